// Unit tests of issue 17: canned replies, internal notes, chat records and transcripts, the
// satisfaction survey, typing notices (through the dispatcher over the demo data), the schema
// migration from version 2, and the supervisor's report on a hand-made dataset.
#include "server/services/agent_tools.hpp"
#include "server/services/supervisor_report.hpp"
#include "server/store/report_reader.hpp"
#include "tests/unit/server_fixture.hpp"
#include "tests/unit/store_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace tcs;
using test::ana_email;
using test::demo_env;
using test::error_code;
using test::require_ok;
using test::tomas_email;
using test::valentina_email;

namespace {

json::object with(std::string_view key, json::value value) {
  json::object f;
  f[key] = std::move(value);
  return f;
}

// Ana queued and taken by Valentina.
struct chatting : demo_env {
  std::shared_ptr<test::recording_peer> ana = customer(ana_email);
  std::shared_ptr<test::recording_peer> valentina = executive(valentina_email);
  chatting() {
    require_ok(request(ana, "queue.join"));
    now += 30;
    require_ok(request(valentina, "connect"));
  }
};

std::int64_t count_rows(store::database& db, const std::string& sql) {
  return db.sql().execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("canned replies: checked names and texts, {nombre} filled", "[agent]") {
  store::database db(":memory:");
  services::agent_tools tools(db);
  REQUIRE(tools.add_canned("saludo", "Hola {nombre}, ¿en qué le ayudo? {nombre}", 1));
  CHECK(tools.add_canned("SALUDO", "otro", 1).error().code == errc::invalid_state);
  CHECK(tools.add_canned("con espacio", "x", 1).error().code == errc::invalid_field);
  CHECK(tools.add_canned("envío", "x", 1).error().code == errc::invalid_field);
  CHECK(tools.add_canned(std::string(33, 'a'), "x", 1).error().code == errc::invalid_field);
  CHECK(tools.add_canned("vacio", "   ", 1).error().code == errc::invalid_field);
  CHECK(tools.add_canned("largo", std::string(1001, 'x'), 1).error().code == errc::invalid_field);
  CHECK(tools.canned().size() == 1);
  CHECK(tools.fill_canned("Saludo", "Ana").value() == "Hola Ana, ¿en qué le ayudo? Ana");
  CHECK(tools.fill_canned("nada", "Ana").error().code == errc::not_found);
  CHECK(tools.remove_canned("nada").error().code == errc::not_found);
  REQUIRE(tools.remove_canned("saludo"));
  CHECK(tools.canned().empty());
  CHECK(services::fill_placeholders("{nombre}{nombre}", "Bo") == "BoBo");
}

TEST_CASE("canned.send: the customer receives the filled line; unknown names change nothing",
          "[agent]") {
  chatting env;
  REQUIRE(env.services.tools().add_canned("bienvenida", "Hola {nombre}, bienvenida.", env.now));
  auto list = env.request(env.valentina, "canned.list");
  require_ok(list);
  CHECK(list.at("replies").as_array().size() == 4);  // the demo data's 3 and this one
  CHECK(list.at("total").as_int64() == 4);

  auto sent = env.request(env.valentina, "canned.send", with("name", "Bienvenida"));
  require_ok(sent);
  CHECK(sent.at("text").as_string() == "Hola Ana, bienvenida.");
  auto line = env.ana->last("chat.message");
  CHECK(line.at("text").as_string() == "Hola Ana, bienvenida.");
  CHECK(line.at("role").as_string() == "executive");

  const auto before = env.ana->events("chat.message").size();
  auto unknown = env.request(env.valentina, "canned.send", with("name", "nada"));
  CHECK(error_code(unknown) == "not_found");
  CHECK(test::error_message(unknown).find("nada") != std::string::npos);
  CHECK(env.ana->events("chat.message").size() == before);
  // Customers may not use them.
  CHECK(error_code(env.request(env.ana, "canned.send", with("name", "saludo"))) == "forbidden");
}

TEST_CASE("notes: stored with author, shown to the next executive, never to the customer",
          "[agent]") {
  chatting env;
  CHECK(error_code(env.request(env.valentina, "customer.note", with("text", "   "))) ==
        "invalid_field");
  CHECK(error_code(env.request(env.valentina, "customer.note",
                               with("text", json::string(std::string(501, 'x'))))) ==
        "invalid_field");
  CHECK(count_rows(env.db, "SELECT count(*) FROM customer_notes") == 0);
  auto noted = env.request(env.valentina, "customer.note", with("text", " Prefiere envíos "));
  require_ok(noted);
  CHECK(noted.at("note").at("text").as_string() == "Prefiere envíos");
  CHECK(noted.at("note").at("author").as_string() == "Valentina Reyes");
  CHECK(error_code(env.request(env.ana, "customer.note", with("text", "x"))) == "forbidden");
  CHECK(error_code(env.request(env.ana, "customer.notes")) == "forbidden");

  auto notes = env.request(env.valentina, "customer.notes");
  require_ok(notes);
  CHECK(notes.at("notes").as_array().size() == 1);
  CHECK(notes.at("total").as_int64() == 1);

  require_ok(env.request(env.valentina, "chat.end"));
  require_ok(env.request(env.ana, "queue.join"));
  auto tomas = env.executive(tomas_email);
  auto taken = env.request(tomas, "connect");
  require_ok(taken);
  REQUIRE(taken.contains("notes"));
  CHECK(taken.at("notes").as_array().at(0).at("author").as_string() == "Valentina Reyes");
  CHECK(taken.at("notes_total").as_int64() == 1);
  for (const auto& m : env.ana->received)
    CHECK(json::serialize(m).find("Prefiere") == std::string::npos);
}

TEST_CASE("transcripts: chats listed with their lines; another customer's chat is not found",
          "[agent]") {
  chatting env;
  require_ok(env.request(env.ana, "chat.send", with("text", "Hola")));
  env.now += 60;
  require_ok(env.request(env.valentina, "chat.send", with("text", "Buenas")));
  require_ok(env.request(env.valentina, "chat.end"));

  auto list = env.request(env.ana, "conversations");
  require_ok(list);
  REQUIRE(list.at("conversations").as_array().size() == 1);
  const auto& c = list.at("conversations").as_array().at(0).as_object();
  CHECK(c.at("lines").as_int64() == 2);
  CHECK(c.at("outcome").as_string() == "ended_by_executive");
  CHECK(c.at("executive").as_string() == "Valentina Reyes");
  CHECK_FALSE(c.contains("rating"));
  const auto id = c.at("id").as_int64();

  auto one = env.request(env.ana, "conversation", with("chat_id", id));
  require_ok(one);
  REQUIRE(one.at("lines").as_array().size() == 2);
  CHECK(one.at("lines").as_array().at(0).at("from").as_string() == "Ana");
  CHECK(one.at("lines").as_array().at(1).at("text").as_string() == "Buenas");

  // Another customer asks for Ana's chat; an executive without a chat asks for any.
  auto ben = env.customer("benjamin.soto@example.com");
  CHECK(error_code(env.request(ben, "conversation", with("chat_id", id))) == "not_found");
  CHECK(error_code(env.request(ben, "conversation", with("chat_id", 999))) == "not_found");
  CHECK(error_code(env.request(env.valentina, "conversations")) == "not_in_chat");
  // The executive of Ana's next chat reads it.
  require_ok(env.request(env.ana, "queue.join"));
  require_ok(env.request(env.valentina, "connect"));
  auto seen = env.request(env.valentina, "conversations");
  require_ok(seen);
  CHECK(seen.at("conversations").as_array().size() == 2);
  CHECK(seen.at("conversations").as_array().at(0).at("outcome").as_string() == "open");
  require_ok(env.request(env.valentina, "conversation", with("chat_id", id)));
}

TEST_CASE("a transfer splits the record; lines stay with their part", "[agent]") {
  chatting env;
  auto tomas = env.executive(tomas_email);
  require_ok(env.request(env.ana, "chat.send", with("text", "uno")));
  require_ok(env.request(env.valentina, "chat.transfer", with("email", json::string(tomas_email))));
  require_ok(env.request(env.ana, "chat.send", with("text", "dos")));
  require_ok(env.request(tomas, "chat.end"));
  auto list = env.request(env.ana, "conversations");
  const auto& chats = list.at("conversations").as_array();
  REQUIRE(chats.size() == 2);
  CHECK(chats.at(0).at("executive").as_string() == "Tomás Herrera");
  CHECK(chats.at(0).at("lines").as_int64() == 1);
  CHECK(chats.at(0).at("transferred_from").as_int64() == chats.at(1).at("id").as_int64());
  CHECK(chats.at(1).at("outcome").as_string() == "transferred");
  CHECK(chats.at(1).at("lines").as_int64() == 1);
}

TEST_CASE("survey: asked after a chat ends, 1..5 or 0 once; bad ratings change nothing",
          "[agent]") {
  chatting env;
  CHECK(error_code(env.request(env.ana, "chat.rate", with("rating", 4))) == "invalid_state");
  require_ok(env.request(env.valentina, "chat.end"));
  CHECK(env.ana->last("chat.ended").at("survey").as_bool());
  CHECK(error_code(env.request(env.ana, "chat.rate", with("rating", 7))) == "invalid_field");
  CHECK(error_code(env.request(env.ana, "chat.rate", with("rating", "cinco"))) == "invalid_field");
  CHECK(error_code(env.request(env.ana, "chat.rate", with("rating", -1))) == "invalid_field");
  CHECK(count_rows(env.db, "SELECT count(*) FROM chats WHERE rating IS NOT NULL") == 0);
  CHECK(error_code(env.request(env.valentina, "chat.rate", with("rating", 5))) == "forbidden");
  json::object answer{{"rating", 4}, {"comment", "Muy amable"}};
  auto rated = env.request(env.ana, "chat.rate", answer);
  require_ok(rated);
  CHECK(count_rows(env.db, "SELECT rating FROM chats") == 4);
  CHECK(error_code(env.request(env.ana, "chat.rate", with("rating", 5))) == "invalid_state");

  SECTION("a customer who ends the chat is asked in the reply; 0 skips") {
    require_ok(env.request(env.ana, "queue.join"));
    require_ok(env.request(env.valentina, "connect"));
    auto ended = env.request(env.ana, "chat.end");
    CHECK(ended.at("survey").as_bool());
    require_ok(env.request(env.ana, "chat.rate", with("rating", 0)));
    CHECK(count_rows(env.db, "SELECT count(*) FROM chats WHERE rating IS NOT NULL") == 1);
  }
  SECTION("no survey after a disconnect or a requeue") {
    require_ok(env.request(env.ana, "queue.join"));
    require_ok(env.request(env.valentina, "connect"));
    require_ok(env.request(env.valentina, "chat.requeue"));
    CHECK_FALSE(env.ana->last("chat.ended").contains("survey"));
    CHECK(error_code(env.request(env.ana, "chat.rate", with("rating", 3))) == "invalid_state");
  }
}

TEST_CASE("chat.typing: relayed to the other party at most once every 2 s", "[agent]") {
  chatting env;
  auto first = env.request(env.ana, "chat.typing");
  CHECK(first.at("relayed").as_bool());
  CHECK(env.valentina->last("chat.typing").at("from").as_string() == "Ana");
  CHECK_FALSE(env.request(env.ana, "chat.typing").at("relayed").as_bool());
  CHECK(env.valentina->events("chat.typing").size() == 1);
  CHECK(env.request(env.valentina, "chat.typing").at("relayed").as_bool());
  CHECK(count_rows(env.db, "SELECT count(*) FROM chat_messages") == 0);  // never stored
}

TEST_CASE("migration 3 from a version 2 database keeps its data", "[agent][store]") {
  test::temp_db_path path;
  store::database::create_at_version(path.str(), 2);
  {
    SQLite::Database old(path.str(), SQLite::OPEN_READWRITE);
    old.exec(
        "INSERT INTO customers (id, email, name, password_hash, created_at) "
        "VALUES (1, 'a@b.cl', 'Ana Rojas', 'x', 1);"
        "INSERT INTO executives (id, email, name, password_hash, totp_secret, created_at) "
        "VALUES (1, 'v@b.cl', 'Valentina Reyes', 'x', 's', 1);"
        "INSERT INTO chat_messages (customer_id, executive_id, sender_role, text, at) "
        "VALUES (1, 1, 'customer', 'hola', 5);");
    CHECK(old.execAndGet("PRAGMA user_version").getInt() == 2);
    CHECK_FALSE(old.tableExists("chats"));
  }
  store::database db(path.str());
  CHECK(db.schema_version() == 3);
  CHECK(count_rows(
            db, "SELECT count(*) FROM chat_messages WHERE text = 'hola' AND chat_id IS NULL") == 1);
  CHECK(db.sql().tableExists("chats"));
  CHECK(db.sql().tableExists("canned_replies"));
  CHECK(db.sql().tableExists("customer_notes"));
  services::agent_tools tools(db);
  REQUIRE(tools.add_note(1, 1, "nota", 10));
  CHECK(tools.count_notes(1) == 1);
}

TEST_CASE("percentiles by nearest rank", "[agent][report]") {
  using services::percentile;
  CHECK_FALSE(percentile({}, 50));
  CHECK(percentile({7}, 90) == 7);
  CHECK(percentile({4, 1, 3, 2}, 50) == 2);
  CHECK(percentile({4, 1, 3, 2}, 90) == 4);
  CHECK(percentile({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 90) == 90);
  CHECK(percentile({10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 50) == 50);
}

TEST_CASE("the report's figures on a hand-made dataset", "[agent][report]") {
  test::temp_db_path path;
  {
    store::database db(path.str());
    db.sql().exec(
        "INSERT INTO customers (id, email, name, password_hash, created_at) VALUES "
        "(1, 'a@x.cl', 'Ana', 'x', 0), (2, 'b@x.cl', 'Ben', 'x', 0), (3, 'c@x.cl', 'Cam', 'x', 0);"
        "INSERT INTO executives (id, email, name, password_hash, totp_secret, created_at) VALUES "
        "(1, 'v@x.cl', 'Valentina', 'x', 's', 0), (2, 't@x.cl', 'Tomás', 'x', 's', 0),"
        "(3, 'u@x.cl', 'Ugo', 'x', 's', 0);"
        // Day 1 (2024-11-20 12:00 UTC = 1732104000). Valentina: 3 chats, waits 10/20/60,
        // lengths 100/200/300, ratings 5 and 3, one transferred to Tomás (who rates 4).
        "INSERT INTO chats (id, customer_id, executive_id, queued_at, started_at, ended_at, "
        "outcome, transferred_from, rating) VALUES "
        "(1, 1, 1, 1732104000, 1732104010, 1732104110, 'ended_by_executive', NULL, 5),"
        "(2, 2, 1, 1732104000, 1732104020, 1732104220, 'ended_by_customer', NULL, 3),"
        "(3, 3, 1, 1732104000, 1732104060, 1732104360, 'transferred', NULL, NULL),"
        "(4, 3, 2, 1732104000, 1732104360, 1732104400, 'ended_by_executive', 3, 4),"
        // Outside the range (a day later).
        "(5, 1, 2, 1732190400, 1732190500, 1732190600, 'idle', NULL, 1);"
        "INSERT INTO activity (at, actor_role, actor_id, customer_id, action, detail, outcome) "
        "VALUES (1732104030, 'executive', 1, 1, 'offer', '', 'ok'),"
        "(1732104031, 'executive', 1, 1, 'offer', '', 'ok'),"
        "(1732104032, 'executive', 1, 1, 'offer', '', 'invalid_state'),"
        "(1732104500, 'customer', 1, 1, 'queue_leave', '', 'ok'),"
        "(1732104600, 'customer', 1, 1, 'queue_leave', '', 'ok'),"
        "(1732104700, 'system', NULL, 2, 'queue_timeout', '', 'ok'),"
        "(1732190400, 'customer', 3, 3, 'queue_leave', '', 'ok');"
        "INSERT INTO operations (customer_id, kind, state, created_at, executive_id) "
        "VALUES (1, 'sale', 'paid', 1732104040, 1);");
  }
  // The whole of 2024-11-20 in any time zone within ±11 h of UTC.
  const auto data =
      store::read_report_data(path.str(), 1732104000 - 11 * 3600, 1732104000 + 11 * 3600);
  const auto report = services::build_report(data);
  REQUIRE(report.executives.size() == 2);  // Ugo did nothing
  const auto& tomas = report.executives.at(0);
  const auto& valentina = report.executives.at(1);
  CHECK(tomas.name == "Tomás");
  CHECK(valentina.figures.chats == 3);
  CHECK(valentina.figures.wait_median_s == 20);
  CHECK(valentina.figures.wait_p90_s == 60);
  CHECK(valentina.figures.duration_median_s == 200);
  CHECK(valentina.figures.duration_p90_s == 300);
  CHECK(valentina.figures.offers == 2);
  CHECK(valentina.figures.accepted == 1);
  CHECK(valentina.figures.csat_average == Approx(4.0));
  CHECK(valentina.figures.csat_count == 2);
  CHECK(valentina.figures.transfers == 1);
  CHECK(tomas.figures.chats == 1);
  CHECK_FALSE(tomas.figures.wait_median_s);  // taken by a transfer, not from the queue
  CHECK(tomas.figures.duration_median_s == 40);
  CHECK(report.total.chats == 4);
  CHECK(report.total.duration_median_s == 100);  // 40, 100, 200, 300
  CHECK(report.total.csat_average == Approx(4.0));
  CHECK(report.total.csat_count == 3);
  CHECK(report.total.offers == 2);
  REQUIRE(report.gave_up.size() == 1);
  CHECK(report.gave_up.at(0).customers == 2);  // Ana (twice) and Ben
}

TEST_CASE("the report on the demo data: every accepted offer was made", "[agent][report]") {
  test::temp_db_path path;
  {
    store::database db(path.str());
    store::load_demo_data(db, test::cheap_hash, test::demo_now);
  }
  const auto report = services::build_report(store::read_report_data(path.str(), 0, INT64_MAX));
  REQUIRE(report.executives.size() == 3);
  for (const auto& row : report.executives) {
    CAPTURE(row.name);
    CHECK(row.figures.offers == 1);  // one demo sale each, made through an offer
    CHECK(row.figures.accepted == 1);
  }
  CHECK(report.total.offers == 3);
  CHECK(report.total.accepted == 3);
}

TEST_CASE("the report refuses a database older than the agent tools", "[agent][report]") {
  test::temp_db_path path;
  store::database::create_at_version(path.str(), 2);
  CHECK_THROWS_WITH(store::read_report_data(path.str(), 0, 1), Catch::Contains("schema version 2"));
}

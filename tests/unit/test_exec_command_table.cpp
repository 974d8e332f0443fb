// Unit tests of tcs-exec's command table (executive/command_table) and views
// (executive/views): :help is generated from the table, unknown commands and wrong usage get
// their messages, each command builds its request and renders its reply.
//
// The executive's table and views are not in a library: compile them here.
#include "executive/agent_commands.cpp"
#include "executive/command_table.cpp"
#include "executive/views.cpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tcs;
using namespace tcs::executive;

namespace {

json::object object(std::string_view text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE(":help lists every command of the table, in order", "[exec][commands]") {
  const std::string help = help_text();
  INFO(help);
  CHECK(help.rfind("Comandos:\n", 0) == 0);
  std::size_t at = 0;
  for (const executive::command& c : commands()) {
    const std::string synopsis =
        std::string(c.name) + (c.params.empty() ? "" : " " + std::string(c.params));
    const auto found = help.find("\n  " + synopsis + " ", at);
    CHECK(found != std::string::npos);
    CHECK(help.find(std::string(c.summary), found) != std::string::npos);
    at = found == std::string::npos ? at : found;
  }
  CHECK(commands().size() == 21);
  CHECK(help.find("\n  :buy <carta> <precio>      ofrecer comprarle una carta al cliente\n") !=
        std::string::npos);
  CHECK(help.find("\n  :status                    clientes conectados y cola de espera\n") !=
        std::string::npos);
  CHECK(help.find("Una línea sin ':' se le envía al cliente atendido; para enviar una que "
                  "empieza con ':', escriba '::'") != std::string::npos);
}

TEST_CASE("every command of the table has what it needs", "[exec][commands]") {
  for (const executive::command& c : commands()) {
    INFO(c.name);
    CHECK(c.name.starts_with(":"));
    CHECK(find_command(c.name) == &c);
    CHECK_FALSE(c.summary.empty());
    if (c.local == local_action::none) {
      CHECK(c.build != nullptr);
      CHECK(c.render != nullptr);
    }
    if (c.params.empty() && c.build) {
      const auto request = c.build("");
      REQUIRE(request);
      CHECK(request->contains("type"));
    }
  }
  CHECK(find_command(":volar") == nullptr);
  CHECK(find_command("status") == nullptr);
}

TEST_CASE("an unknown command gets one line, with a suggestion when one is close",
          "[exec][commands]") {
  const plan p = plan_command(":volar alto");
  CHECK(p.what == plan::kind::print);
  CHECK(p.cmd == nullptr);
  CHECK(p.text ==
        "Asistente: Comando desconocido: :volar. (:help lista los comandos; '::' al "
        "comienzo envía una línea que empieza con ':'.)");
  CHECK(plan_command(":bye Caterpie 8").text.find("¿Quiso decir :buy?") != std::string::npos);
  CHECK(plan_command(":) de nada").text.find("¿Quiso decir") == std::string::npos);
  CHECK(plan_command(":) de nada").text.find('\n') == std::string::npos);
  CHECK(closest_command(":disc")->name == ":disconnect");
  CHECK(closest_command(":stats")->name == ":status");
  CHECK(closest_command(":conect")->name == ":connect");
  CHECK(closest_command(":)") == nullptr);
  CHECK(closest_command(":xyzzy") == nullptr);
  CHECK(closest_command("buy") == nullptr);
}

TEST_CASE("wrong usage shows the command's usage", "[exec][commands]") {
  const std::string buy_usage =
      "Asistente: Uso: :buy <carta> <precio>   (ej.: :buy Caterpie 8, :buy \"Pikachu ex\" 12000)";
  for (auto line : {":buy", ":buy Caterpie", ":buy 8", ":buy \"Pikachu ex"}) {
    INFO(line);
    const plan p = plan_command(line);
    CHECK(p.what == plan::kind::print);
    CHECK(p.text == buy_usage);
  }
  CHECK(plan_command(":publish").text ==
        "Asistente: Uso: :publish <carta> [precio]   (ej.: :publish Caterpie 9)");
  // A command without parameters given some.
  CHECK(plan_command(":status ahora").text == "Asistente: Uso: :status");
  CHECK(plan_command(":help me").text == "Asistente: Uso: :help");
  CHECK(plan_command(":exit ya").what == plan::kind::print);
}

TEST_CASE("local commands and requests", "[exec][commands]") {
  CHECK(plan_command(":exit").what == plan::kind::exit);
  const plan help = plan_command("  :help ");
  CHECK(help.what == plan::kind::print);
  CHECK(help.text == help_text());

  const plan buy = plan_command(":buy Pikachu ex $12.000");
  REQUIRE(buy.what == plan::kind::send);
  CHECK(buy.cmd->name == ":buy");
  CHECK(buy.request.at("type").as_string() == "offer.create");
  CHECK(buy.request.at("card").as_string() == "Pikachu ex");
  CHECK(buy.request.at("price").as_int64() == 12000);

  const plan publish = plan_command(":publish \"Sobre 151\"");
  REQUIRE(publish.what == plan::kind::send);
  CHECK(publish.request.at("type").as_string() == "publish");
  CHECK_FALSE(publish.request.contains("price"));

  const plan status = plan_command(":status");
  REQUIRE(status.what == plan::kind::send);
  CHECK(status.request.at("type").as_string() == "status");
  CHECK(status.cmd->list == "customers");
}

TEST_CASE(":status reads the rest of the queue with queue.list", "[exec][commands]") {
  const executive::command& status = *find_command(":status");
  REQUIRE(status.more);
  CHECK_FALSE(status.more(object(R"({"customers": [], "queue": []})")));
  const auto next = status.more(object(R"({"queue_next": 100})"));
  REQUIRE(next);
  CHECK(next->request.at("type").as_string() == "queue.list");
  CHECK(next->request.at("after").as_int64() == 100);
  CHECK(next->list == "queue");

  served_customer nobody;
  const std::string text = status.render(
      status.build("").value(),
      object(R"({"customers": [{"email": "ana@example.com", "name": "Ana Rojas", "state": "queue"}],
                 "queue": [{"position": 1, "name": "Ana Rojas", "email": "ana@example.com",
                            "waiting_s": 125}]})"),
      nobody);
  CHECK(text ==
        "Asistente: Clientes conectados (1):\n"
        "  ana@example.com Ana Rojas (en la cola)\n"
        "Cola de espera (1):\n"
        "  [1] Ana Rojas (ana@example.com), esperando 2 min 5 s");
}

TEST_CASE("renderers keep the served customer's name", "[exec][commands]") {
  served_customer c;
  const executive::command& connect = *find_command(":connect");
  CHECK(connect.render(make_event("connect"),
                       object(R"({"customer": {"name": "Ana Rojas", "first_name": "Ana",
                                    "email": "ana@example.com"}})"),
                       c) ==
        "Asistente: Conectado con Ana Rojas (ana@example.com). Lo que escriba se le envía; "
        ":disconnect termina la conversación.");
  CHECK(c.name == "Ana Rojas");
  CHECK(c.first_name == "Ana");

  const plan buy = plan_command(":buy Mew 8");
  CHECK(buy.cmd->render(buy.request, object(R"({"offer_id": 4})"), c) ==
        "Asistente: Oferta #4 enviada: comprar \"Mew\" por $8. Esperando la respuesta de Ana.");

  const plan publish = plan_command(":publish Mew 9");
  CHECK(publish.cmd->render(publish.request,
                            object(R"({"product": {"name": "Mew", "price": 8, "stock": 1,
                                                   "held": 0}, "price_ignored": true})"),
                            c) ==
        "Asistente: \"Mew\" publicado en el catálogo a $8 (stock 1, retenidas 0).\n"
        "Asistente: La carta ya tiene precio de catálogo; el precio indicado no se usó.");

  const executive::command& disconnect = *find_command(":disconnect");
  CHECK(disconnect.render(make_event("chat.end"), json::object{}, c) ==
        "Asistente: Terminó la conversación con Ana Rojas.");
  CHECK(c.name.empty());
  CHECK(c.first_name.empty());
}

TEST_CASE("the executive's catalogue table", "[exec][table]") {
  const std::string text = render_catalogue(object(R"({"products": [
      {"id": 3, "name": "Pikachu ex", "kind": "card", "price": 12990, "stock": 2, "held": 1},
      {"id": 12, "name": "Mew", "kind": "card", "price": 8, "stock": 0, "held": 0,
       "listed": false}]})"));
  CHECK(text ==
        "Asistente: Catálogo:\n"
        " #  Nombre      Tipo    Precio  Stock  Retenidas\n"
        " 3  Pikachu ex  carta  $12.990      2          1\n"
        "12  Mew         carta       $8      0          0  (no publicado)");
  CHECK(render_catalogue(object(R"({"products": []})")) == "Asistente: El catálogo está vacío.");
}

TEST_CASE("the executive's details view says where each customer is now", "[exec][views]") {
  const std::string text = render_details(object(R"({"customers": [
      {"email": "a@x", "name": "Ana", "state": "queue", "position": 2,
       "last_action": {"action": "queue_join", "detail": "Posición 3", "outcome": "ok"}},
      {"email": "b@x", "name": "Bea", "state": "menu", "last_action": null}]})"));
  CHECK(text.find("a@x Ana (en la cola, posición 2): ") != std::string::npos);
  CHECK(text.find("b@x Bea (en el menú): sin acciones registradas") != std::string::npos);
}

TEST_CASE("the executive's activity view", "[exec][views]") {
  CHECK(render_activity(object(R"({"entries": []})"), "Ana Rojas") ==
        "Asistente: Actividad de Ana Rojas:\nSin actividad registrada.");
  const std::string text = render_activity(object(R"({"customer": {"name": "Bea"}, "entries": [
                 {"action": "x_custom", "outcome": "out_of_stock"}, {"action": "y"}]})"),
                                           "Ana Rojas");
  CHECK(text == "Asistente: Actividad de Bea:\n- x_custom [falló: sin stock suficiente]\n- y");
  CHECK(waited(59) == "59 s");
  CHECK(waited(3 * 3600 + 120) == "3 h 2 min");
}

TEST_CASE(":transferir and :devolver (issue 16, item 6)", "[exec][commands]") {
  CHECK(plan_command(":transferir").text ==
        "Asistente: Uso: :transferir <correo>   (ej.: :transferir tomas.herrera@example.com)");
  CHECK(plan_command(":transferir tomas herrera").what == plan::kind::print);
  CHECK(plan_command(":devolver ya").text == "Asistente: Uso: :devolver");

  const plan transfer = plan_command(":transferir  tomas.herrera@example.com ");
  REQUIRE(transfer.what == plan::kind::send);
  CHECK(transfer.request.at("type").as_string() == "chat.transfer");
  CHECK(transfer.request.at("email").as_string() == "tomas.herrera@example.com");
  served_customer c{"Ana Rojas", "Ana"};
  CHECK(transfer.cmd->render(transfer.request, object(R"({"customer": {"name": "Ana Rojas"},
                                        "executive": {"name": "Tomás Herrera"}})"),
                             c) == "Asistente: Transfirió a Ana Rojas a Tomás Herrera.");
  CHECK(c.name.empty());

  c = {"Ana Rojas", "Ana"};
  const plan requeue = plan_command(":devolver");
  REQUIRE(requeue.what == plan::kind::send);
  CHECK(requeue.request.at("type").as_string() == "chat.requeue");
  CHECK(requeue.cmd->render(requeue.request, object(R"({"customer": {"name": "Ana Rojas"}})"), c) ==
        "Asistente: Ana Rojas volvió al primer lugar de la cola de espera.");
  CHECK(c.name.empty());
}

TEST_CASE("the agent tools' commands build their requests (issue 17)", "[exec][commands]") {
  auto sent = [](std::string_view line) {
    plan p = plan_command(line);
    INFO(std::string(line) + " -> " + p.text);
    REQUIRE(p.what == plan::kind::send);
    return p.request;
  };
  CHECK(sent(":r").at("type").as_string() == "canned.list");
  CHECK(sent(":r saludo").at("name").as_string() == "saludo");
  CHECK(plan_command(":r dos palabras").text.find("Uso: :r [nombre]") != std::string::npos);
  CHECK(sent(":nota").at("text").as_string() == "");  // the server says it is empty
  CHECK(sent(":nota  Prefiere envíos ").at("text").as_string() == "Prefiere envíos");
  CHECK(sent(":conversaciones").at("type").as_string() == "conversations");
  CHECK(sent(":conversacion 12").at("chat_id").as_int64() == 12);
  CHECK(plan_command(":conversacion tres").text.find("Uso: :conversacion <n>") !=
        std::string::npos);
  CHECK(plan_command(":conversacion").text.find("Uso: :conversacion <n>") != std::string::npos);
}

// The executive's agent tools (issue 17) for the command table (command_table.cpp): the
// builders of `:r`, `:nota`, `:conversaciones`, `:conversacion N` and their renderers, the
// notes `:history` adds (customer.notes, a follow-up), and the notes shown when a customer is
// taken (`notes` of connect and chat.assigned). Pure; unit-tested in test_exec_command_table.cpp.
#pragma once

#include "common/protocol/message.hpp"
#include "executive/command_table.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tcs::executive {

// `:r` lists the canned replies, `:r NOMBRE` sends one.
std::optional<json::object> canned_request(std::string_view args);
// `:nota TEXTO` (an empty note is the server's to refuse, with its message).
std::optional<json::object> note_request(std::string_view args);
// `:conversacion N` (N a chat's number as :conversaciones shows it).
std::optional<json::object> conversation_request(std::string_view args);

// :history's follow-up: the customer's notes (its first page; every page is read).
std::optional<follow_up> notes_follow_up(const json::object& reply);

std::string show_canned(const json::object& request, const json::object& reply,
                        served_customer& customer);
std::string show_note(const json::object& request, const json::object& reply,
                      served_customer& customer);
std::string show_conversations(const json::object& request, const json::object& reply,
                               served_customer& customer);
std::string show_conversation(const json::object& request, const json::object& reply,
                              served_customer& customer);
// :history: the activity, then the notes.
std::string show_activity_and_notes(const json::object& request, const json::object& reply,
                                    served_customer& customer);

// "Notas internas sobre Ana (2): ..." from a reply or event with `notes`; "" without any.
std::string notes_text(const json::object& body, std::string_view who);

}  // namespace tcs::executive

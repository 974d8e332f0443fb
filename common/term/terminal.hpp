// The terminal both CLIs talk through: prompts and line input that can wait alongside network
// events on one event loop, and printing that never garbles the line being typed.
//
// On a terminal it uses GNU readline's callback interface (line editing, history, masked
// password input) fed from the loop. Otherwise (a pipe or a file, e.g. a test driving the
// program) it reads plain lines and echoes what it read after the prompt, so a transcript reads
// like the seed's (`Ana: 2`, `contraseña: ******`). One instance per process.
#pragma once

#include <boost/asio.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace tcs::term {

enum class read_status { line, end_of_input, interrupted };

struct read_result {
  read_status status;
  std::string text;  // the line, without its newline
};

class terminal {
 public:
  explicit terminal(boost::asio::any_io_executor ex);
  ~terminal();
  terminal(const terminal&) = delete;
  terminal& operator=(const terminal&) = delete;

  bool interactive() const noexcept { return interactive_; }

  // Shows `prompt` and waits for one line. `secret` hides the input (asterisks) and keeps it
  // out of the history. Returns `interrupted` if interrupt() is called while waiting.
  boost::asio::awaitable<read_result> read_line(std::string prompt, bool secret = false);

  // Wakes a pending read_line() with `interrupted`; if none is pending, the next one returns
  // `interrupted` at once. The caller then decides what happened (an event changed its state).
  void interrupt();

  // Prints one line (a newline is added) above the line being edited, then redraws it.
  void print(std::string_view text);

 private:
  // read_line() on a terminal (readline) and on a pipe or file.
  boost::asio::awaitable<read_result> read_edited(const std::string& prompt, bool secret);
  boost::asio::awaitable<read_result> read_piped(const std::string& prompt, bool secret);
  boost::asio::awaitable<bool> fill_buffer();

  struct impl;
  impl* impl_;
  bool interactive_;
};

}  // namespace tcs::term

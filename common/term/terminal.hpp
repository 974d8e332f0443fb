// The terminal both CLIs talk through: prompts and line input that can wait alongside network
// events on one event loop, and printing that never garbles the line being typed.
//
// On a terminal it uses GNU readline's callback interface (line editing, history, masked
// password input) fed from the loop. Otherwise (a pipe or a file, e.g. a test driving the
// program) it reads plain lines and echoes what it read after the prompt, so a transcript reads
// like the seed's (`Ana: 2`, `contraseña: ******`). One instance per process.
#pragma once

#include <boost/asio.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcs::term {

// end_of_input: Ctrl-D on an empty line (or the pipe's end); cancelled: Ctrl-C (SIGINT) on an
// empty line; interrupted: interrupt() was called.
// Who a printed line speaks for, to tell them apart by colour (see colour()).
enum class voice {
  service,  // lines of the assistant ("Asistente: ..."), menus, tables
  other,    // the other party's chat line: its "[16:20] Valentina:" label is coloured
};

enum class read_status { line, end_of_input, interrupted, cancelled };

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
  // The loop the terminal runs on (for the apps' timers).
  boost::asio::any_io_executor executor();

  // Ctrl-C (SIGINT) on a line being typed discards the line and keeps reading; on an empty one
  // (or on a pipe) the read returns `cancelled`, and a Ctrl-C while nobody reads makes the next
  // read return `cancelled` at once (a second one then ends the program, status 130). A resize
  // (SIGWINCH) makes readline read the new width and redraw the line, so what is printed above it
  // afterwards is not garbled. Shows `prompt` and waits for one line. `secret` hides the input
  // (asterisks) and keeps it out of the history. Returns `interrupted` if interrupt() is called
  // while waiting.
  boost::asio::awaitable<read_result> read_line(std::string prompt, bool secret = false);

  // Wakes a pending read_line() with `interrupted`; if none is pending, the next one returns
  // `interrupted` at once. The caller then decides what happened (an event changed its state).
  void interrupt();

  // Stops watching the signals (the loop's last work of the terminal); run_program calls it
  // when the app has ended. Ctrl-C and resizes then have their default effect.
  void stop();

  // Words Tab completes when the line being edited starts with one of them (the executive's
  // `:` commands); nothing else is completed (no file names).
  void set_completions(std::vector<std::string> words);

  // Prints one line (a newline is added) above the line being edited, then redraws it. With
  // colour, the "Asistente:" label of each line (voice::service) or the label before the first
  // ": " (voice::other) is coloured; the text itself never is.
  void print(std::string_view text, voice who = voice::service);

  // Called after each key that leaves a line being edited non-empty (not a secret one), with
  // the text so far: a person typing. Never called on a pipe or a file.
  void on_typing(std::function<void(std::string_view line)> hook);
  // A short status shown in front of the prompt of the line being edited, e.g. "Ana está
  // escribiendo…", without touching what is typed; "" removes it. On a pipe or a file a new
  // non-empty status is printed once as a line, and removing it prints nothing.
  void set_status(std::string status);

  // Colours are used when stdin and stdout are a terminal, NO_COLOR is unset or empty (see
  // no-color.org) and TERM is not "dumb": the assistant cyan, the other party yellow, the
  // user's own prompt green. Pipes never get escape sequences.
  bool colour() const noexcept { return colour_; }

 private:
  // read_line() on a terminal (readline) and on a pipe or file.
  boost::asio::awaitable<read_result> read_edited(const std::string& prompt, bool secret);
  boost::asio::awaitable<read_result> read_piped(const std::string& prompt, bool secret);
  boost::asio::awaitable<bool> fill_buffer();
  void watch_signals();
  read_status interruption();
  void on_signal(int signal);

  struct impl;
  impl* impl_;
  bool interactive_;
  bool colour_ = false;
};

}  // namespace tcs::term

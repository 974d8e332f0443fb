// Readline callback mode on a terminal, plain line reading otherwise.
#include "common/term/terminal.hpp"

#include "common/net/use_nothrow.hpp"
#include "common/protocol/message.hpp"
#include "common/term/format.hpp"

#include <boost/asio/as_tuple.hpp>

#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

namespace tcs::term {

namespace asio = boost::asio;

namespace {

// Readline's callbacks are plain functions; they reach the one terminal through these.
std::optional<std::optional<std::string>> completed_line;  // set by on_line: line or EOF

void on_line(char* line) {
  if (line) {
    completed_line.emplace(std::string(line));
    std::free(line);
  } else {
    completed_line.emplace(std::nullopt);  // Ctrl-D on an empty line
  }
  rl_callback_handler_remove();
}

constexpr std::string_view colour_service = "\033[36m";  // cyan
constexpr std::string_view colour_other = "\033[33m";    // yellow
constexpr std::string_view colour_self = "\033[32m";     // green
constexpr std::string_view colour_reset = "\033[0m";
constexpr std::string_view assistant_label = "Asistente:";

// `text` (already free of control characters) with its labels coloured (see terminal::print).
std::string coloured(std::string_view text, voice who) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    std::size_t label = 0;
    if (who == voice::service && line.starts_with(assistant_label))
      label = assistant_label.size();
    else if (who == voice::other && start == 0)
      label = line.find(": ") == std::string_view::npos ? 0 : line.find(": ") + 1;
    if (label > 0) {
      out += who == voice::service ? colour_service : colour_other;
      out += line.substr(0, label);
      out += colour_reset;
    }
    out += line.substr(label);
    if (end < text.size())
      out += '\n';
    start = end + 1;
  }
  return out;
}

// A prompt in the user's colour; readline must be told which bytes take no room (\001 \002).
std::string coloured_prompt(const std::string& prompt) {
  return "\001" + std::string(colour_self) + "\002" + prompt + "\001" + std::string(colour_reset) +
         "\002";
}

// Tab: the words of set_completions() that start with what is typed, at the start of the line.
std::vector<std::string> completion_words;

char* next_completion(const char* text, int state) {
  static std::size_t index;
  if (state == 0)
    index = 0;
  const std::string_view typed(text);
  while (index < completion_words.size()) {
    const std::string& word = completion_words[index++];
    if (word.starts_with(typed))
      return ::strdup(word.c_str());
  }
  return nullptr;
}

char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  if (start != 0)
    return nullptr;
  return rl_completion_matches(text, next_completion);
}

// Redisplay for password prompts: the prompt, then one asterisk per character typed.
void masked_redisplay() {
  std::string shown = "\r\033[K";
  shown += rl_display_prompt ? rl_display_prompt : "";
  shown.append(static_cast<std::size_t>(rl_end), '*');
  std::fwrite(shown.data(), 1, shown.size(), rl_outstream ? rl_outstream : stdout);
  std::fflush(rl_outstream ? rl_outstream : stdout);
}

}  // namespace

struct terminal::impl {
  explicit impl(asio::any_io_executor ex) : input(ex), signals(ex, SIGINT, SIGWINCH) {}

  asio::posix::stream_descriptor input;
  asio::signal_set signals;
  bool pending_cancel = false;  // Ctrl-C: the pending (or next) read returns `cancelled`
  bool input_is_file = false;   // regular files cannot be polled; they are read directly
  bool at_eof = false;
  std::string buffered;            // pipe mode: bytes read but not yet returned as lines
  bool prompt_open = false;        // a prompt is showing and its line is not finished
  std::string open_prompt;         // the prompt, to redraw it after printing (pipe mode)
  bool pending_interrupt = false;  // interrupt() arrived while nobody was reading
  bool reading = false;
  bool secret = false;                                // the line being read is a password
  std::string shown_prompt;                           // the prompt as readline shows it
  std::string status;                                 // set_status()
  std::function<void(std::string_view)> typing_hook;  // on_typing()
};

namespace {

// The prompt readline shows: the status, if any, in front of it.
std::string with_status(const std::string& status, const std::string& prompt) {
  return status.empty() ? prompt : "(" + status + ") " + prompt;
}

}  // namespace

terminal::terminal(asio::any_io_executor ex)
    : impl_(new impl(ex)), interactive_(::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) {
  int fd = ::dup(STDIN_FILENO);
  if (fd >= 0)
    impl_->input.assign(fd);
  watch_signals();
  if (interactive_) {
    // The loop handles SIGINT and SIGWINCH itself (on_signal): readline's own handlers only
    // run inside rl_callback_read_char, so they would miss signals between keys.
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_readline_name = "tcs";
    rl_attempted_completion_function = complete;
    const char* no_colour = std::getenv("NO_COLOR");
    const char* term_name = std::getenv("TERM");
    colour_ = !(no_colour && *no_colour) && !(term_name && std::string_view(term_name) == "dumb");
  } else {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
  }
}

terminal::~terminal() {
  stop();
  if (interactive_)
    rl_callback_handler_remove();
  delete impl_;
}

void terminal::stop() {
  boost::system::error_code ignored;
  impl_->signals.cancel(ignored);
  impl_->signals.clear(ignored);
}

void terminal::watch_signals() {
  impl_->signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec)
      return;  // cancelled: the terminal is going away
    on_signal(signal);
    watch_signals();
  });
}

void terminal::on_signal(int signal) {
  impl& s = *impl_;
  if (signal == SIGWINCH) {
    if (interactive_ && s.prompt_open)
      rl_resize_terminal();  // re-reads the size and redraws the line being edited
    return;
  }
  if (interactive_ && s.reading && rl_end > 0) {
    // Ctrl-C on a half-typed line: drop the text, keep the prompt (as a shell does).
    rl_replace_line("", 0);
    rl_point = 0;
    rl_forced_update_display();
    return;
  }
  if (s.pending_cancel && !s.reading) {
    // A second Ctrl-C while the program waits (a reply that does not come): leave now.
    if (interactive_)
      rl_deprep_terminal();
    std::fputs("\n", stdout);
    std::fflush(stdout);
    std::_Exit(130);
  }
  s.pending_cancel = true;
  if (s.reading) {
    boost::system::error_code ignored;
    s.input.cancel(ignored);
  }
}

void terminal::set_completions(std::vector<std::string> words) {
  completion_words = std::move(words);
}

void terminal::interrupt() {
  if (impl_->reading) {
    boost::system::error_code ignored;
    impl_->input.cancel(ignored);
  } else {
    impl_->pending_interrupt = true;
  }
}

void terminal::print(std::string_view raw, voice who) {
  // Text may quote the other party (chat lines, names): no escape sequences reach the screen
  // but the colours added here.
  std::string safe = escape_control_chars(raw, "\n\t");
  if (colour_)
    safe = coloured(safe, who);
  const std::string_view text = safe;
  if (interactive_ && impl_->prompt_open) {
    // Clear the edited line, print above it, and let readline redraw prompt and text.
    rl_clear_visible_line();
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    rl_forced_update_display();
    return;
  }
  if (impl_->prompt_open)
    std::fputc('\n', stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  if (impl_->prompt_open)
    std::fwrite(impl_->open_prompt.data(), 1, impl_->open_prompt.size(), stdout);
  std::fflush(stdout);
}

asio::any_io_executor terminal::executor() {
  return impl_->input.get_executor();
}

void terminal::on_typing(std::function<void(std::string_view line)> hook) {
  impl_->typing_hook = std::move(hook);
}

void terminal::set_status(std::string status) {
  impl& s = *impl_;
  if (status == s.status)
    return;
  s.status = std::move(status);
  if (!interactive_) {
    if (!s.status.empty())
      print(assistant(s.status));
    return;
  }
  if (s.prompt_open && s.reading && !s.secret) {
    rl_clear_visible_line();  // as print() does: redraw the prompt and the line in place
    rl_set_prompt(with_status(s.status, s.shown_prompt).c_str());
    rl_forced_update_display();
  }
}

asio::awaitable<read_result> terminal::read_line(std::string prompt, bool secret) {
  impl& s = *impl_;
  if (s.pending_cancel) {
    s.pending_cancel = false;
    co_return read_result{read_status::cancelled, {}};
  }
  if (s.pending_interrupt) {
    s.pending_interrupt = false;
    co_return read_result{read_status::interrupted, {}};
  }
  s.reading = true;
  s.prompt_open = true;
  s.open_prompt = prompt;
  struct reset {
    impl& s;
    ~reset() {
      s.reading = false;
      s.prompt_open = false;
    }
  } reset_on_exit{s};
  if (interactive_)
    co_return co_await read_edited(prompt, secret);
  co_return co_await read_piped(prompt, secret);
}

// Why a pending read was woken: Ctrl-C (cancelled) or interrupt().
read_status terminal::interruption() {
  if (!impl_->pending_cancel)
    return read_status::interrupted;
  impl_->pending_cancel = false;
  impl_->pending_interrupt = false;
  return read_status::cancelled;
}

// Readline's callback interface, fed one character at a time when the input is readable.
asio::awaitable<read_result> terminal::read_edited(const std::string& prompt, bool secret) {
  impl& s = *impl_;
  completed_line.reset();
  rl_redisplay_function = secret ? masked_redisplay : rl_redisplay;
  s.secret = secret;
  s.shown_prompt = colour_ && !secret ? coloured_prompt(prompt) : prompt;
  const std::string shown = secret ? s.shown_prompt : with_status(s.status, s.shown_prompt);
  rl_callback_handler_install(shown.c_str(), on_line);
  while (!completed_line) {
    auto [ec] = co_await s.input.async_wait(asio::posix::descriptor_base::wait_read, use_nothrow);
    if (ec) {
      // Interrupted: drop the half-typed line and leave the cursor on a fresh line.
      rl_clear_visible_line();
      rl_callback_handler_remove();
      rl_redisplay_function = rl_redisplay;
      co_return read_result{interruption(), {}};
    }
    rl_callback_read_char();
    if (!completed_line && !secret && rl_end > 0 && s.typing_hook)
      s.typing_hook(std::string_view(rl_line_buffer, static_cast<std::size_t>(rl_end)));
  }
  rl_redisplay_function = rl_redisplay;
  if (secret)
    std::fputc('\n', stdout);
  auto line = std::move(*completed_line);
  completed_line.reset();
  if (!line)
    co_return read_result{read_status::end_of_input, {}};
  if (!secret && !line->empty())
    add_history(line->c_str());
  co_return read_result{read_status::line, std::move(*line)};
}

// Plain lines from a pipe or a file, echoed after the prompt (masked when `secret`).
asio::awaitable<read_result> terminal::read_piped(const std::string& prompt, bool secret) {
  impl& s = *impl_;
  std::fwrite(prompt.data(), 1, prompt.size(), stdout);
  std::fflush(stdout);
  for (;;) {
    if (auto nl = s.buffered.find('\n'); nl != std::string::npos) {
      std::string line = s.buffered.substr(0, nl);
      s.buffered.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      // Echo what was read so the output is a readable transcript.
      std::string echo = secret ? std::string(line.size(), '*') : line;
      std::fwrite(echo.data(), 1, echo.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
      co_return read_result{read_status::line, std::move(line)};
    }
    if (s.at_eof) {
      std::fputc('\n', stdout);
      if (s.buffered.empty())
        co_return read_result{read_status::end_of_input, {}};
      std::string line = std::move(s.buffered);  // a last line without its newline
      s.buffered.clear();
      co_return read_result{read_status::line, std::move(line)};
    }
    if (!co_await fill_buffer()) {
      // Interrupted: end the prompt's line, as the terminal branch leaves a fresh line.
      std::fputc('\n', stdout);
      std::fflush(stdout);
      co_return read_result{interruption(), {}};
    }
  }
}

// Appends what the input has to `buffered` (or sets at_eof); false when interrupted.
asio::awaitable<bool> terminal::fill_buffer() {
  impl& s = *impl_;
  char chunk[4096];
  if (!s.input_is_file) {
    auto [ec, n] = co_await s.input.async_read_some(asio::buffer(chunk), use_nothrow);
    if (ec == asio::error::operation_aborted)
      co_return false;
    if (ec == boost::system::errc::operation_not_permitted)
      s.input_is_file = true;  // epoll refuses regular files: read them directly next time
    else if (ec)
      s.at_eof = true;
    else
      s.buffered.append(chunk, n);
    co_return true;
  }
  ssize_t n = 0;
  do {
    n = ::read(s.input.native_handle(), chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n <= 0)
    s.at_eof = true;
  else
    s.buffered.append(chunk, static_cast<std::size_t>(n));
  co_return true;
}

}  // namespace tcs::term

// Names people read: product (card) names and customers' and executives' display names.
//
// A name is shown to other people (catalogue, chat headers, console, the executive's lists), so
// it must look like what it is. clean_name() turns what was typed into the stored form, or
// says why it cannot be one:
// - valid UTF-8, at most 4 * max_bytes bytes before any work (so no caller hashes a huge
//   string), then normalised to NFC (a precomposed "é" and "e" + U+0301 are one name);
// - trimmed of Unicode White_Space at both ends (spaces, tab, NBSP, U+3000 ...; but not the
//   line and paragraph separators nor the other control characters, which are refused
//   anywhere); a name left empty is refused; spaces inside the name (NBSP, thin space ...)
//   become U+0020;
// - refused if it has a character of general category Cc (control), Cf (format: zero-width
//   space and joiners, bidi marks and overrides U+202A..U+202E, isolates U+2066..U+2069, soft
//   hyphen, BOM), Zl / Zp (U+2028, U+2029), Co (private use), Cn (unassigned, noncharacters),
//   or another invisible one (Default_Ignorable_Code_Point: Hangul fillers, variation
//   selectors ...; U+2800 BRAILLE PATTERN BLANK);
// - refused if it mixes scripts the way spoofs do: letters of Latin with Cyrillic, Greek or
//   Cherokee, or of more scripts than UTS #39's "moderately restrictive" level allows (one
//   script; Latin + one other; Latin + Han + Hiragana/Katakana, Bopomofo or Hangul);
// - refused if, after all that, it is longer than max_bytes.
//
// confusable_key() is the name's UTS #39 skeleton (ICU uspoof) of its case fold: two names
// with the same key look alike ("Pikachu ex" with a Cyrillic "е", "PIKACHU EX", "Pikachu eх").
// Callers refuse a *new* name whose key equals that of an existing, different name.
//
// Pure functions; the ICU objects are built once and only read afterwards (thread-safe).
#pragma once

#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace tcs::services {

enum class name_problem {
  empty,          // nothing visible left after trimming
  too_long,       // more than max_bytes (after normalisation)
  invalid_utf8,   // not UTF-8
  control,        // Cc: newline, tab, ESC ...
  invisible,      // Cf, Zl, Zp, Co, Cn or another invisible character
  mixed_scripts,  // e.g. Latin with Cyrillic
};

struct name_refusal {
  name_problem problem = name_problem::empty;
  char32_t code_point = 0;  // the offending character (control, invisible), else 0
};

template <class T>
using name_result = boost::system::result<T, name_refusal>;

// The cleaned name (see above) or why it is refused.
name_result<std::string> clean_name(std::string_view raw, std::size_t max_bytes);

// The UTS #39 skeleton of the name's case fold, UTF-8. Only meaningful for a cleaned name.
std::string confusable_key(std::string_view name);

// "U+202E": how a refused character is named in messages.
std::string code_point_label(char32_t cp);

// Spanish sentence for users, e.g. subject "El nombre de la carta", max_bytes for too_long.
std::string spanish_message(const name_refusal& r, std::string_view subject, std::size_t max_bytes);
// English sentence for the admin command line, e.g. subject "the name".
std::string english_message(const name_refusal& r, std::string_view subject, std::size_t max_bytes);

// Lets name_result<T>::value() throw (std::invalid_argument).
[[noreturn]] void throw_exception_from_error(const name_refusal& r,
                                             const boost::source_location& loc);

}  // namespace tcs::services

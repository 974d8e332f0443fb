// Name cleaning and confusable keys with ICU (normaliser, character properties, uspoof).
#include "server/services/names.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

namespace tcs::services {
namespace {

// Bytes a raw name may have before any ICU work: NFC can change a name's length a little
// (it mostly shrinks it), but never by a factor of 4; beyond this it is too long anyway.
constexpr std::size_t raw_bytes_factor = 4;

// Invisible although of a visible category (So): blank Braille cell, used to fake empty names.
constexpr char32_t braille_blank = 0x2800;

const icu::Normalizer2& nfc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || n == nullptr)
    throw std::runtime_error(std::string("ICU NFC normaliser: ") + u_errorName(status));
  return *n;
}

struct spoof_checker_deleter {
  void operator()(USpoofChecker* sc) const { uspoof_close(sc); }
};

// Built once; only read afterwards (uspoof_getSkeleton* is safe on a const checker).
const USpoofChecker& spoof_checker() {
  static const std::unique_ptr<USpoofChecker, spoof_checker_deleter> checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<USpoofChecker, spoof_checker_deleter> sc(uspoof_open(&status));
    if (U_FAILURE(status))
      throw std::runtime_error(std::string("ICU uspoof_open: ") + u_errorName(status));
    return sc;
  }();
  return *checker;
}

bool is_invisible(UChar32 c) {
  switch (u_charType(c)) {
    case U_FORMAT_CHAR:          // Cf
    case U_LINE_SEPARATOR:       // Zl
    case U_PARAGRAPH_SEPARATOR:  // Zp
    case U_PRIVATE_USE_CHAR:     // Co
    case U_UNASSIGNED:           // Cn (also noncharacters)
    case U_SURROGATE:            // Cs (cannot come from valid UTF-8; for completeness)
      return true;
    default:
      break;
  }
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || c == braille_blank;
}

// UTS #39 5.2 "moderately restrictive", applied to the letters of the name (spaces, digits
// and punctuation are Common and do not count).
bool scripts_allowed(const std::set<UScriptCode>& scripts) {
  if (scripts.size() <= 1)
    return true;
  const auto within = [&](std::initializer_list<UScriptCode> allowed) {
    for (UScriptCode s : scripts) {
      if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
        return false;
    }
    return true;
  };
  if (within({USCRIPT_LATIN, USCRIPT_HAN, USCRIPT_HIRAGANA, USCRIPT_KATAKANA}) ||
      within({USCRIPT_LATIN, USCRIPT_HAN, USCRIPT_BOPOMOFO}) ||
      within({USCRIPT_LATIN, USCRIPT_HAN, USCRIPT_HANGUL}))
    return true;
  if (scripts.size() == 2 && scripts.contains(USCRIPT_LATIN)) {
    for (UScriptCode s : scripts) {
      if (s == USCRIPT_CYRILLIC || s == USCRIPT_GREEK || s == USCRIPT_CHEROKEE)
        return false;
    }
    return true;
  }
  return false;
}

// Spaces trimmed at the ends: Unicode White_Space except the line and paragraph separators
// and the control characters other than tab (U+2028, NEL, CR, LF ... are refused anywhere).
bool is_trimmable_space(UChar32 c) {
  if (!u_isUWhiteSpace(c))
    return false;
  switch (u_charType(c)) {
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return false;
    case U_CONTROL_CHAR:
      return c == U'\t';
    default:
      return true;
  }
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

name_result<std::string> clean_name(std::string_view raw, std::size_t max_bytes) {
  if (raw.size() > raw_bytes_factor * max_bytes)
    return name_refusal{name_problem::too_long};
  // Strict UTF-8 check first: fromUTF8 would silently replace bad bytes with U+FFFD.
  {
    std::size_t i = 0;
    while (i < raw.size()) {
      UChar32 c = 0;
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw.data());
      auto at = static_cast<std::int32_t>(i);
      U8_NEXT(bytes, at, static_cast<std::int32_t>(raw.size()), c);
      if (c < 0)
        return name_refusal{name_problem::invalid_utf8};
      i = static_cast<std::size_t>(at);
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized =
      nfc().normalize(icu::UnicodeString::fromUTF8(
                          icu::StringPiece(raw.data(), static_cast<std::int32_t>(raw.size()))),
                      status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU NFC normalisation: ") + u_errorName(status));

  // Trim spaces at both ends.
  std::int32_t begin = 0;
  std::int32_t end = normalized.length();
  while (begin < end && is_trimmable_space(normalized.char32At(begin)))
    begin = normalized.moveIndex32(begin, 1);
  while (end > begin) {
    const std::int32_t prev = normalized.moveIndex32(end, -1);
    if (!is_trimmable_space(normalized.char32At(prev)))
      break;
    end = prev;
  }
  if (begin == end)
    return name_refusal{name_problem::empty};

  icu::UnicodeString cleaned;
  std::set<UScriptCode> scripts;
  for (std::int32_t i = begin; i < end; i = normalized.moveIndex32(i, 1)) {
    UChar32 c = normalized.char32At(i);
    if (u_charType(c) == U_CONTROL_CHAR)
      return name_refusal{name_problem::control, static_cast<char32_t>(c)};
    if (is_invisible(c))
      return name_refusal{name_problem::invisible, static_cast<char32_t>(c)};
    if (u_isUWhiteSpace(c))
      c = U' ';  // NBSP, thin space, ideographic space ... inside the name
    UErrorCode script_status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &script_status);
    if (U_SUCCESS(script_status) && script != USCRIPT_COMMON && script != USCRIPT_INHERITED &&
        script != USCRIPT_UNKNOWN)
      scripts.insert(script);
    cleaned.append(c);
  }
  if (!scripts_allowed(scripts))
    return name_refusal{name_problem::mixed_scripts};
  std::string out = to_utf8(cleaned);
  if (out.size() > max_bytes)
    return name_refusal{name_problem::too_long};
  return out;
}

std::string confusable_key(std::string_view name) {
  icu::UnicodeString folded =
      icu::UnicodeString::fromUTF8(
          icu::StringPiece(name.data(), static_cast<std::int32_t>(name.size())))
          .foldCase();
  icu::UnicodeString skeleton;
  UErrorCode status = U_ZERO_ERROR;
  uspoof_getSkeletonUnicodeString(&spoof_checker(), 0, folded, skeleton, &status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU uspoof skeleton: ") + u_errorName(status));
  return to_utf8(skeleton);
}

std::string code_point_label(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::string spanish_message(const name_refusal& r, std::string_view subject,
                            std::size_t max_bytes) {
  const std::string s(subject);
  switch (r.problem) {
    case name_problem::empty:
      return s + " está vacío.";
    case name_problem::too_long:
      return s + " es demasiado largo (máximo " + std::to_string(max_bytes) + " bytes).";
    case name_problem::invalid_utf8:
      return s + " no es texto UTF-8 válido.";
    case name_problem::control:
      return s + " no puede tener caracteres de control (" + code_point_label(r.code_point) + ").";
    case name_problem::invisible:
      return s + " no puede tener caracteres invisibles ni de formato (" +
             code_point_label(r.code_point) + ").";
    case name_problem::mixed_scripts:
      return s +
             " mezcla alfabetos que se confunden entre sí (por ejemplo, letras latinas y "
             "cirílicas): escríbalo con un solo alfabeto.";
  }
  return s + " no es válido.";
}

std::string english_message(const name_refusal& r, std::string_view subject,
                            std::size_t max_bytes) {
  const std::string s(subject);
  switch (r.problem) {
    case name_problem::empty:
      return s + " is empty";
    case name_problem::too_long:
      return s + " is longer than " + std::to_string(max_bytes) + " bytes";
    case name_problem::invalid_utf8:
      return s + " is not valid UTF-8";
    case name_problem::control:
      return s + " contains control characters (" + code_point_label(r.code_point) + ")";
    case name_problem::invisible:
      return s + " contains an invisible or formatting character (" +
             code_point_label(r.code_point) + ")";
    case name_problem::mixed_scripts:
      return s + " mixes scripts that look alike (e.g. Latin and Cyrillic letters)";
  }
  return s + " is not valid";
}

void throw_exception_from_error(const name_refusal& r, const boost::source_location&) {
  throw std::invalid_argument(english_message(r, "the name", 0));
}

}  // namespace tcs::services

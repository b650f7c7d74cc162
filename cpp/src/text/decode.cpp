#include "mekong/text/decode.hpp"

#include <cstdint>
#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ustring.h>

#include "mekong/error.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

using utf8::sequence_length;

// Skips a run of ASCII bytes eight at a time.
inline std::size_t skip_ascii(const unsigned char* p, std::size_t i, std::size_t n) {
  while (i + 8 <= n) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  CancelPoll poll;
  while (true) {
    poll.at(i);
    // ASCII in strides, so that a long ASCII run is polled too
    const std::size_t stop = std::min(n, i + kCancelStride);
    i = skip_ascii(p, i, stop);
    if (i >= n) return std::string_view::npos;
    if (p[i] < 0x80) continue;
    std::size_t bad = 0;
    const std::size_t len = sequence_length(p + i, n - i, &bad);
    if (len == 0) return i;
    i += len;
  }
}

Decoded decode_utf8(std::string_view bytes, std::string& scratch) {
  Decoded out;
  const std::size_t first = find_invalid_utf8(bytes);
  if (first == std::string_view::npos) {
    out.text = bytes;
    return out;
  }
  out.first_invalid = first;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  scratch.clear();
  scratch.reserve(n + 16);
  scratch.append(bytes.data(), first);
  std::size_t i = first;
  CancelPoll poll;
  while (i < n) {
    poll.at(i);
    const std::size_t start = i;
    i = skip_ascii(p, i, std::min(n, i + kCancelStride));
    std::size_t bad = 0;
    while (i < n && p[i] >= 0x80) {
      const std::size_t len = sequence_length(p + i, n - i, &bad);
      if (len == 0) break;
      i += len;
    }
    scratch.append(bytes.data() + start, i - start);
    if (i < n && p[i] >= 0x80) {
      scratch.append(kReplacement, 3);
      ++out.replaced;
      i += bad;
    }
  }
  out.text = scratch;
  return out;
}

namespace {

struct CallbackState {
  std::size_t replaced = 0;
  std::size_t first_invalid = std::string_view::npos;
  const char* base = nullptr;
};

// To-Unicode callback: writes U+FFFD for bytes invalid in the source encoding and counts them.
void count_and_substitute(const void* context, UConverterToUnicodeArgs* args, const char* code_units, int32_t,
                          UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset / close / clone: nothing to do
  auto* state = static_cast<CallbackState*>(const_cast<void*>(context));
  if (state->replaced == 0 && code_units != nullptr && state->base != nullptr) {
    // code_units points into the converter's own buffer, not always the input; offsets are
    // therefore approximate only when the converter buffers; for single-call conversion they hold.
    const std::ptrdiff_t off = args->source - state->base;
    state->first_invalid = off > 0 ? static_cast<std::size_t>(off) : 0;
  }
  ++state->replaced;
  *err = U_ZERO_ERROR;
  const UChar fffd = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &fffd, 1, 0, err);
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

}  // namespace

Decoded decode_bytes(std::string_view bytes, const std::string& encoding, std::string& scratch) {
  // ICU reads the name as a C string: a NUL would silently cut it to another converter's name.
  if (encoding.find('\0') != std::string::npos)
    throw std::invalid_argument("an encoding name cannot contain a NUL character");
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open(encoding.c_str(), &status));
  if (U_FAILURE(status) || !cnv) {
    throw std::invalid_argument("unknown encoding: '" + encoding + "'");
  }
  const char* canonical = ucnv_getName(cnv.get(), &status);
  check_icu(status, "ucnv_getName");
  if (std::strcmp(canonical, "UTF-8") == 0) return decode_utf8(bytes, scratch);

  CallbackState state;
  state.base = bytes.data();
  ucnv_setToUCallBack(cnv.get(), count_and_substitute, &state, nullptr, nullptr, &status);
  check_icu(status, "ucnv_setToUCallBack");

  if (bytes.size() > static_cast<std::size_t>(INT32_MAX / 2))
    throw std::invalid_argument("a document over 1 GiB in encoding '" + encoding + "': convert it to UTF-8 first");
  // Bytes -> UTF-16 (ICU's pivot) -> UTF-8. The buffer grows when an encoding writes more UTF-16
  // units than it read bytes (SCSU can).
  std::u16string utf16(bytes.size() + 16, u'\0');
  const char* source = bytes.data();
  const char* source_end = bytes.data() + bytes.size();
  std::size_t written = 0;
  // The converter is fed in pieces (it keeps its state across them), polling the cancel flag.
  constexpr std::size_t kFeed = std::size_t{1} << 18;
  CancelPoll poll;
  while (true) {
    const char* feed_end = source_end - source > static_cast<std::ptrdiff_t>(kFeed) ? source + kFeed : source_end;
    UChar* start = reinterpret_cast<UChar*>(utf16.data());
    UChar* target = start + written;
    ucnv_toUnicode(cnv.get(), &target, start + utf16.size(), &source, feed_end, nullptr,
                   /*flush=*/feed_end == source_end, &status);
    written = static_cast<std::size_t>(target - start);
    poll.now();
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      status = U_ZERO_ERROR;
      utf16.resize(utf16.size() * 2);
      continue;
    }
    check_icu(status, "ucnv_toUnicode");
    if (source == source_end && feed_end == source_end) break;
  }
  utf16.resize(written);

  int32_t needed = 0;
  int32_t subs = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub(nullptr, 0, &needed, reinterpret_cast<const UChar*>(utf16.data()),
                     static_cast<int32_t>(utf16.size()), 0xFFFD, &subs, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR) check_icu(status, "u_strToUTF8WithSub");
  status = U_ZERO_ERROR;
  scratch.assign(static_cast<std::size_t>(needed), '\0');
  u_strToUTF8WithSub(scratch.data(), needed, &needed, reinterpret_cast<const UChar*>(utf16.data()),
                     static_cast<int32_t>(utf16.size()), 0xFFFD, &subs, &status);
  check_icu(status, "u_strToUTF8WithSub");

  Decoded out;
  out.text = scratch;
  out.replaced = state.replaced + static_cast<std::size_t>(subs);
  out.first_invalid = state.first_invalid;
  return out;
}

void require_valid(std::size_t replaced, std::size_t first_invalid, std::size_t document) {
  if (replaced == 0) return;
  throw InputError(document, first_invalid,
                   "invalid byte sequence (decode_error='strict'; 'replace' writes U+FFFD and counts it)");
}

}  // namespace mekong

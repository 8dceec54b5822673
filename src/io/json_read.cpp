// The JSON reader (json_read.hpp): recursive descent over the text, at most kMaxJsonDepth deep.
#include "io/json_read.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace convscope {
namespace {

using json = nlohmann::json;

// 10^0 .. 10^22, each exactly a double.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Reader {
 public:
  Reader(const char* begin, const char* end, const std::string& what)
      : begin_(begin), p_(begin), end_(end), what_(what) {}

  json document() {
    json result = value(0);
    skip_space();
    if (p_ != end_) fail("unexpected text after the JSON value");
    return result;
  }

 private:
  [[noreturn]] void fail(const char* problem) const {
    throw JsonSyntaxError("at byte " + std::to_string(p_ - begin_) + ": " + problem);
  }

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // After any space: consumes c if it comes next.
  bool take(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool literal(const char* word) {
    const std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  // depth: how many arrays and objects are open around this value.
  json value(int depth) {
    skip_space();
    if (p_ == end_) fail("the text ends where a value should be");
    const char c = *p_;
    if (c == '{' || c == '[') {
      if (depth >= kMaxJsonDepth)
        throw Error(what_ + ": JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
      ++p_;
      return c == '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c == '"') return string();
    if (c == '-' || is_digit(c)) return number();
    if (literal("true")) return true;
    if (literal("false")) return false;
    if (literal("null")) return nullptr;
    fail("expected a value");
  }

  json object(int depth) {
    json o = json::object();
    if (take('}')) return o;
    do {
      skip_space();
      if (p_ == end_ || *p_ != '"') fail("expected a string key");
      std::string key = string();
      if (!take(':')) fail("expected ':'");
      o[key] = value(depth);
    } while (take(','));
    if (!take('}')) fail("expected ',' or '}'");
    return o;
  }

  json array(int depth) {
    json a = json::array();
    if (take(']')) return a;
    do {
      a.push_back(value(depth));
    } while (take(','));
    if (!take(']')) fail("expected ',' or ']'");
    return a;
  }

  // At the opening quote.
  std::string string() {
    ++p_;
    std::string out;
    for (;;) {
      if (p_ == end_) fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return out;
      }
      if (c < 0x20) fail("control character in a string (it must be escaped)");
      if (c == '\\') {
        escape(out);
      } else if (c < 0x80) {
        out += static_cast<char>(c);
        ++p_;
      } else {
        utf8(out);
      }
    }
  }

  // One UTF-8 sequence of 2 to 4 bytes, checked (RFC 3629: no overlong form, no surrogate,
  // nothing past U+10FFFF) and copied.
  void utf8(std::string& out) {
    const unsigned char c = static_cast<unsigned char>(*p_);
    int more = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      fail("invalid UTF-8 in a string");
    }
    if (end_ - p_ <= more) fail("invalid UTF-8 in a string");
    for (int i = 1; i <= more; ++i) {
      const unsigned char b = static_cast<unsigned char>(p_[i]);
      if (b < (i == 1 ? low : 0x80) || b > (i == 1 ? high : 0xBF)) fail("invalid UTF-8 in a string");
    }
    out.append(p_, more + 1);
    p_ += more + 1;
  }

  // At the backslash.
  void escape(std::string& out) {
    ++p_;
    if (p_ == end_) fail("unterminated string");
    const char c = *p_;
    const char* const simple = "\"\\/bfnrt";
    const char* const meant = "\"\\/\b\f\n\r\t";
    if (const char* s = std::strchr(simple, c); s && c != '\0') {
      out += meant[s - simple];
      ++p_;
      return;
    }
    if (c != 'u') fail("invalid escape in a string");
    ++p_;
    std::uint32_t code = hex4();
    if (code >= 0xDC00 && code <= 0xDFFF) fail("\\u escape of a lone low surrogate");
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
        fail("\\u escape of a high surrogate without its low half");
      p_ += 2;
      const std::uint32_t second = hex4();
      if (second < 0xDC00 || second > 0xDFFF)
        fail("\\u escape of a high surrogate without its low half");
      code = 0x10000 + ((code - 0xD800) << 10) + (second - 0xDC00);
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | code >> 6);
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | code >> 12);
      out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | code >> 18);
      out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::uint32_t hex4() {
    if (end_ - p_ < 4) fail("\\u needs 4 hex digits");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      const char h = *p_;
      const int d = is_digit(h)              ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                             : -1;
      if (d < 0) fail("\\u needs 4 hex digits");
      v = v << 4 | static_cast<std::uint32_t>(d);
    }
    return v;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  json number() {
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !is_digit(*p_)) fail("expected a digit");
    std::uint64_t mantissa = 0;  // the first 19 significant digits
    int digits = 0;
    int exponent = 0;         // value = mantissa · 10^exponent (digits past 19 dropped)
    std::uint64_t whole = 0;  // the integer part, exactly, while it fits
    bool whole_fits = true;
    auto add = [&](int d, bool fraction) {
      if (digits == 0 && d == 0) {
        if (fraction) --exponent;
      } else if (digits < 19) {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(d);
        ++digits;
        if (fraction) --exponent;
      } else if (!fraction) {
        ++exponent;
      }
    };
    if (*p_ == '0') {
      ++p_;
    } else {
      for (; p_ != end_ && is_digit(*p_); ++p_) {
        const auto d = static_cast<std::uint64_t>(*p_ - '0');
        if (whole > (UINT64_MAX - d) / 10) whole_fits = false;
        whole = whole * 10 + d;
        add(static_cast<int>(d), false);
      }
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) fail("expected a digit after '.'");
      for (; p_ != end_ && is_digit(*p_); ++p_) add(*p_ - '0', true);
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      const bool down = p_ != end_ && *p_ == '-';
      if (p_ != end_ && (*p_ == '-' || *p_ == '+')) ++p_;
      if (p_ == end_ || !is_digit(*p_)) fail("expected a digit in the exponent");
      int e = 0;
      for (; p_ != end_ && is_digit(*p_); ++p_) e = e < 100000 ? e * 10 + (*p_ - '0') : e;
      exponent += down ? -e : e;
    }
    if (integer && whole_fits) {
      if (!negative) return json(whole);
      if (whole <= std::uint64_t{1} << 63) return json(static_cast<std::int64_t>(0 - whole));
    }
    double v = static_cast<double>(mantissa);
    if (mantissa != 0) {
      // exact for up to 15 digits and 10^±22 (one rounding); else a few units in the last place
      for (; exponent > 22 && std::isfinite(v); exponent -= 22) v *= kPow10[22];
      for (; exponent < -22 && v != 0; exponent += 22) v /= kPow10[22];
      if (exponent >= -22 && exponent <= 22)
        v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
    }
    if (!std::isfinite(v)) fail("number out of the range of a double");
    return json(negative ? -v : v);
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  const std::string& what_;
};

}  // namespace

nlohmann::json read_json(const char* begin, const char* end, const std::string& what) {
  return Reader(begin, end, what).document();
}

}  // namespace convscope

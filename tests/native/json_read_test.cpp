// The engine's JSON reader (src/io/json_read.hpp) against nlohmann's parser, which the native
// build still has: the same values for valid text, a refusal for the same invalid text; and
// number_text against the printf "%.*g" + strtod loop it replaced.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "io/json_read.hpp"
#include "tensor/numbers.hpp"

namespace convscope {
namespace {

using nlohmann::json;

json ours(const std::string& text) { return read_json(text.data(), text.data() + text.size(), "test"); }

bool ours_refuses(const std::string& text) {
  try {
    ours(text);
  } catch (const JsonSyntaxError&) {
    return true;
  }
  return false;
}

bool nlohmann_refuses(const std::string& text) {
  try {
    const json parsed = json::parse(text);
    (void)parsed;
  } catch (const json::exception&) {
    return true;
  }
  return false;
}

// Same value and same kind of number (unsigned, signed, float) at every level.
void expect_same(const json& a, const json& b, const std::string& text) {
  ASSERT_EQ(a.type(), b.type()) << text;
  ASSERT_EQ(a, b) << text;
  if (a.is_structured()) {
    auto i = a.begin();
    for (auto j = b.begin(); j != b.end(); ++i, ++j) {
      if (a.is_object()) {
        ASSERT_EQ(i.key(), j.key()) << text;
      }
      expect_same(*i, *j, text);
    }
  }
}

TEST(JsonRead, ReadsWhatNlohmannReads) {
  const std::vector<std::string> valid = {
      "{}",
      "[]",
      " [ ] ",
      "0",
      "-0",
      "1",
      "-1",
      "123456789",
      "18446744073709551615",
      "18446744073709551616",
      "-9223372036854775808",
      "-9223372036854775809",
      "0.5",
      "-0.25",
      "1e3",
      "1E+3",
      "2.5e-3",
      "1e22",
      "123.456e-7",
      "9007199254740993",
      "0.1",
      "3.14159",
      "true",
      "false",
      "null",
      R"("")",
      R"("a\"b\\c\/d\b\f\n\r\t")",
      R"("\u0041\u00e9\u20ac")",
      R"("\ud83d\ude00")",
      "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
      R"("\u0000")",
      R"({"a": 1, "b": [1, 2, {"c": null}], "d": "x"})",
      R"({"a": 1, "a": 2})",
      "\t\r\n{\"k\" :\t[true ,false]}\n",
      R"({"format":"convscope/1","architecture":"{\"input\":{\"channels\":1}}"})",
      std::string(64, '[') + std::string(64, ']')};
  for (const std::string& text : valid) {
    SCOPED_TRACE(text);
    expect_same(ours(text), json::parse(text), text);
  }
}

TEST(JsonRead, RefusesWhatNlohmannRefuses) {
  const std::vector<std::string> invalid = {"",
                                            " ",
                                            "{",
                                            "}",
                                            "[1,]",
                                            "[,1]",
                                            "{\"a\"}",
                                            "{\"a\":}",
                                            "{\"a\" 1}",
                                            "{a:1}",
                                            "{\"a\":1,}",
                                            "[1 2]",
                                            "01",
                                            "-",
                                            "1.",
                                            ".5",
                                            "1e",
                                            "1e+",
                                            "+1",
                                            "0x10",
                                            "tru",
                                            "nul",
                                            "True",
                                            "NaN",
                                            "Infinity",
                                            "1e999",
                                            "-1e999",
                                            "\"abc",
                                            "\"a\nb\"",
                                            "\"\\x\"",
                                            "\"\\u12\"",
                                            "\"\\u12g4\"",
                                            "\"\\ud800\"",
                                            "\"\\udc00\"",
                                            "\"\\ud800\\u0041\"",
                                            "\"\xff\"",
                                            "\"\xc0\x80\"",
                                            "\"\xe0\x80\x80\"",
                                            "\"\xed\xa0\x80\"",
                                            "\"\xf4\x90\x80\x80\"",
                                            "\"\xc3\"",
                                            "{} trailing",
                                            "[] []",
                                            "1 2",
                                            std::string("[\0]", 3),
                                            "'a'"};
  for (const std::string& text : invalid) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(nlohmann_refuses(text));
    EXPECT_TRUE(ours_refuses(text));
  }
}

TEST(JsonRead, SyntaxErrorsSayWhere) {
  try {
    ours(R"({"a": 1 "b": 2})");
    FAIL() << "no error";
  } catch (const JsonSyntaxError& e) {
    EXPECT_STREQ(e.what(), "at byte 8: expected ',' or '}'");
  }
}

TEST(JsonRead, NestingPast64LevelsIsRefusedByName) {
  EXPECT_NO_THROW(ours(std::string(64, '[') + std::string(64, ']')));
  try {
    ours(std::string(100000, '['));
    FAIL() << "no error";
  } catch (const JsonSyntaxError&) {
    FAIL() << "a syntax error instead of the depth limit";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "test: JSON nested more than 64 levels deep");
  }
}

TEST(JsonRead, RandomNumbersReadAsStrtodReadsThem) {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  std::uniform_int_distribution<int> exponent(-6, 6);  // with 15 digits, 10^-20 .. 10^6
  char text[64];
  for (int i = 0; i < 20000; ++i) {
    // up to 15 significant digits: correctly rounded, as strtod
    const double m = mantissa(rng),
                 v = (m < 0 ? m - 1 : m + 1) * std::pow(10.0, exponent(rng));  // |m| in [1, 11)
    std::snprintf(text, sizeof text, "%.*e", i % 15, v);
    const json value = ours(text);
    ASSERT_TRUE(value.is_number_float()) << text;
    ASSERT_EQ(value.get<double>(), std::strtod(text, nullptr)) << text;
  }
  for (int i = 0; i < 2000; ++i) {
    // 17 digits, any exponent: within a few units in the last place
    std::snprintf(text, sizeof text, "%.16e", mantissa(rng) * std::pow(10.0, exponent(rng) * 9));
    const double expected = std::strtod(text, nullptr);
    ASSERT_NEAR(ours(text).get<double>(), expected, std::abs(expected) * 1e-15) << text;
  }
}

// The text number_text used to make: the fewest %g digits that read back as v.
std::string printf_shortest(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

TEST(JsonRead, NumberTextIsPrintfsShortestG) {
  const std::vector<double> fixed = {0,
                                     -0.0,
                                     0.5,
                                     0.1,
                                     -2,
                                     64,
                                     100,
                                     1e6,
                                     1e9,
                                     1e21,
                                     1e-5,
                                     1.5e-7,
                                     1e-4,
                                     0.001,
                                     123.456,
                                     4294967295.0,
                                     4294967296.0,
                                     9007199254740993.0,
                                     1.7976931348623157e308,
                                     5e-324,
                                     2.5,
                                     1e15,
                                     123456789012345678.0};
  for (double v : fixed) EXPECT_EQ(number_text(v), printf_shortest(v)) << v;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> exponent(-40, 40);
  std::uniform_real_distribution<double> unit(-1, 1);
  int differ = 0;
  for (int i = 0; i < 20000; ++i) {
    const double v = i % 3 == 0 ? std::round(unit(rng) * 1e6)
                                : unit(rng) * std::pow(10.0, exponent(rng));
    if (number_text(v) != printf_shortest(v)) ++differ;
    ASSERT_EQ(std::strtod(number_text(v).c_str(), nullptr), v) << number_text(v);  // always reads back
  }
  // Grisu2's digits are the shortest in all but rare cases (~0.3% of these: one digit more, or
  // another last digit); they always read back (above)
  EXPECT_LT(differ, 200);
  EXPECT_EQ(number_text(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(number_text(-std::numeric_limits<double>::infinity()), "-Infinity");
}

}  // namespace
}  // namespace convscope

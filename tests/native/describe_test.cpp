// The layer description the pages draw from (model/describe.hpp): shapes and windows as the
// layers compute them, checked on a known stack and, on random stacks, against what the
// kernels actually do (an impulse at one input pixel reaches exactly the cells whose windows,
// as described, cover it).
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "model/describe.hpp"
#include "test_util.hpp"

namespace convscope {
namespace {

using testing::make_model;

TEST(Describe, KnownStackWithAsymmetricSamePadding) {
  Sequential m = make_model(R"([
    {"name": "c1", "type": "conv2d", "out_channels": 3, "kernel": [4, 2], "padding": "same"},
    {"name": "r1", "type": "relu"},
    {"name": "p1", "type": "maxpool2d", "kernel": 2},
    {"name": "c2", "type": "conv2d", "out_channels": 2, "kernel": 3, "stride": [2, 1], "padding": [1, 0]},
    {"name": "f", "type": "flatten"},
    {"name": "d", "type": "dense", "out_features": 5},
    {"name": "s", "type": "softmax"}])",
                            1, 6, 7);
  const auto d = describe_layers(m);
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[0].input, (Dims{1, 6, 7}));
  EXPECT_EQ(d[0].output, (Dims{3, 6, 7}));
  ASSERT_TRUE(d[0].window);
  // "same" with an even kernel: total padding K-1, the odd pixel after
  EXPECT_EQ(d[0].window->pad_top, 1u);
  EXPECT_EQ(d[0].window->pad_bottom, 2u);
  EXPECT_EQ(d[0].window->pad_left, 0u);
  EXPECT_EQ(d[0].window->pad_right, 1u);
  EXPECT_FALSE(d[1].window);
  EXPECT_EQ(d[2].output, (Dims{3, 3, 3}));
  EXPECT_EQ(d[2].window->sh, 2u);  // pooling stride defaults to the kernel
  EXPECT_EQ(d[3].input, (Dims{3, 3, 3}));
  EXPECT_EQ(d[3].output, (Dims{2, 2, 1}));
  EXPECT_EQ(d[3].window->sh, 2u);
  EXPECT_EQ(d[3].window->sw, 1u);
  EXPECT_EQ(d[3].window->pad_top, 1u);
  EXPECT_EQ(d[3].window->pad_left, 0u);
  EXPECT_EQ(d[4].output, (Dims{4}));
  EXPECT_EQ(d[5].input, (Dims{4}));
  EXPECT_EQ(d[5].output, (Dims{5}));
  EXPECT_EQ(d[6].type, "softmax");

  const nlohmann::json j = to_json(d);
  EXPECT_EQ(j[0]["name"], "c1");
  EXPECT_EQ(j[0]["type"], "conv2d");
  EXPECT_EQ(j[0]["inputShape"], nlohmann::json::parse("[1,6,7]"));
  EXPECT_EQ(j[0]["outputShape"], nlohmann::json::parse("[3,6,7]"));
  EXPECT_EQ(j[0]["kernel"], nlohmann::json::parse("[4,2]"));
  EXPECT_EQ(j[0]["stride"], nlohmann::json::parse("[1,1]"));
  EXPECT_EQ(j[0]["padding"], nlohmann::json::parse(R"({"top":1,"bottom":2,"left":0,"right":1})"));
  EXPECT_TRUE(j[1]["kernel"].is_null());
  EXPECT_TRUE(j[5]["padding"].is_null());
}

// A random stack of conv2d / pooling / relu / tanh layers that the engine accepts.
std::string random_stack(std::mt19937& rng, std::size_t& h, std::size_t& w) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  h = pick(6, 20);
  w = pick(6, 20);
  std::size_t ch = h, cw = w;
  std::string layers = "[";
  const int count = pick(2, 6);
  for (int i = 0; i < count; ++i) {
    const std::string name = "\"name\": \"l" + std::to_string(i) + "\", ";
    const int kind = pick(0, 5);
    if (kind <= 2) {
      const int kh = pick(1, 4), kw = pick(1, 4), sh = pick(1, 3), sw = pick(1, 3);
      const int mode = pick(0, 2);
      const int ph = pick(0, 2), pw = pick(0, 2);
      const std::string padding = mode == 0   ? "\"same\""
                                  : mode == 1 ? "[" + std::to_string(ph) + "," + std::to_string(pw) + "]"
                                              : "\"valid\"";
      // keep every layer's output at least 1×1
      const std::size_t ph_ = mode == 1 ? ph : 0, pw_ = mode == 1 ? pw : 0;
      if (mode != 0 &&
          (ch + 2 * ph_ < static_cast<std::size_t>(kh) || cw + 2 * pw_ < static_cast<std::size_t>(kw)))
        continue;
      layers += std::string(layers.size() > 1 ? ", " : "") + "{" + name +
                "\"type\": \"conv2d\", \"out_channels\": " + std::to_string(pick(1, 3)) +
                ", \"kernel\": [" + std::to_string(kh) + "," + std::to_string(kw) + "], \"stride\": [" +
                std::to_string(sh) + "," + std::to_string(sw) + "], \"padding\": " + padding + "}";
      if (mode == 0) {
        ch = (ch + sh - 1) / sh;
        cw = (cw + sw - 1) / sw;
      } else {
        ch = (ch + 2 * ph_ - kh) / sh + 1;
        cw = (cw + 2 * pw_ - kw) / sw + 1;
      }
    } else if (kind <= 3) {
      const int k = pick(1, 3), s = pick(1, 3);
      if (ch < static_cast<std::size_t>(k) || cw < static_cast<std::size_t>(k)) continue;
      layers += std::string(layers.size() > 1 ? ", " : "") + "{" + name + "\"type\": \"" +
                (pick(0, 1) ? "maxpool2d" : "avgpool2d") + "\", \"kernel\": " + std::to_string(k) +
                ", \"stride\": " + std::to_string(s) + "}";
      ch = (ch - k) / s + 1;
      cw = (cw - k) / s + 1;
    } else {
      layers += std::string(layers.size() > 1 ? ", " : "") + "{" + name + "\"type\": \"" +
                (kind == 4 ? "relu" : "tanh") + "\"}";
    }
  }
  if (layers.size() == 1) layers += "{\"name\": \"only\", \"type\": \"relu\"}";
  return layers + "]";
}

using Cells = std::set<std::pair<std::size_t, std::size_t>>;

// Cells (y, x) of sample 0's output of layer i that are non-zero in any channel.
Cells nonzero_cells(const Sequential& m, std::size_t i) {
  const Dims& d = m.output_dims(i);
  Cells cells;
  for (std::size_t c = 0; c < d[0]; ++c)
    for (std::size_t y = 0; y < d[1]; ++y)
      for (std::size_t x = 0; x < d[2]; ++x)
        if (m.output(i).data()[(c * d[1] + y) * d[2] + x] != 0) cells.insert({y, x});
  return cells;
}

// Output cells whose window, as described, covers a cell of `in`.
Cells reached(const LayerDescription& d, const Cells& in) {
  if (!d.window) return in;
  const Window& w = *d.window;
  Cells out;
  for (std::size_t y = 0; y < d.output[1]; ++y)
    for (std::size_t x = 0; x < d.output[2]; ++x)
      for (const auto& [iy, ix] : in) {
        // input row iy is in output row y's window iff y·S − P_top <= iy <= y·S − P_top + K − 1
        const long top = static_cast<long>(y * w.sh) - static_cast<long>(w.pad_top);
        const long left = static_cast<long>(x * w.sw) - static_cast<long>(w.pad_left);
        const long ly = static_cast<long>(iy), lx = static_cast<long>(ix);
        if (ly >= top && ly < top + static_cast<long>(w.kh) && lx >= left &&
            lx < left + static_cast<long>(w.kw)) {
          out.insert({y, x});
          break;
        }
      }
  return out;
}

TEST(Describe, RandomStacksMatchWhatTheKernelsDo) {
  std::mt19937 rng(20261202);
  for (int trial = 0; trial < 60; ++trial) {
    std::size_t h = 0, w = 0;
    const std::string layers = random_stack(rng, h, w);
    SCOPED_TRACE(layers + " on 2×" + std::to_string(h) + "×" + std::to_string(w));
    Sequential m = make_model(layers, 2, h, w);
    for (Param& p : m.params()) p.value->fill(p.name.find("bias") == std::string::npos ? 1.0f : 0.0f);
    const auto d = describe_layers(m);
    ASSERT_EQ(d.size(), m.size());
    // an impulse at one random pixel of channel 1
    const std::size_t py = rng() % h, px = rng() % w;
    std::vector<float> x(2 * h * w, 0.0f);
    x[(h + py) * w + px] = 1.0f;
    m.forward(x.data(), x.size(), 1, Kernels::reference);
    Cells expected{{py, px}};
    Dims dims{2, h, w};
    for (std::size_t i = 0; i < d.size(); ++i) {
      SCOPED_TRACE(d[i].name);
      EXPECT_EQ(d[i].input, dims);
      EXPECT_EQ(d[i].output, m.output_dims(i));
      const Dims& out = m.output(i).shape().size() == 4
                            ? Dims{m.output(i).shape()[1], m.output(i).shape()[2],
                                   m.output(i).shape()[3]}
                            : Dims{};
      EXPECT_EQ(d[i].output, out);
      EXPECT_EQ(d[i].window.has_value(),
                d[i].type == "conv2d" || d[i].type == "maxpool2d" || d[i].type == "avgpool2d");
      expected = reached(d[i], expected);
      EXPECT_EQ(nonzero_cells(m, i), expected);
      dims = d[i].output;
    }
  }
}

}  // namespace
}  // namespace convscope

// The jet-image generator (data/jets.hpp), its portable maths, the ROC metrics
// (train/metrics.hpp), a short training run, and the shipped jet models' recorded AUC.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "cli/presets.hpp"
#include "data/jets.hpp"
#include "data/portable_math.hpp"
#include "error.hpp"
#include "layers/conv2d.hpp"
#include "model/model_io.hpp"
#include "train/init.hpp"
#include "train/metrics.hpp"
#include "train/rng.hpp"
#include "train/trainer.hpp"

namespace convscope {
namespace {

// FNV-1a over the images' float bits, then the labels: tests/js/jets.test.mjs asserts the same
// value for the wasm build, so both builds generate the same data.
std::uint32_t checksum(const Dataset& d) {
  std::uint32_t h = 2166136261u;
  for (float f : d.images) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    h = (h ^ bits) * 16777619u;
  }
  for (std::int32_t label : d.labels) h = (h ^ static_cast<std::uint32_t>(label)) * 16777619u;
  return h;
}

const float* image(const Dataset& d, std::size_t i) { return d.images.data() + i * kJetPixels; }

// ---- portable maths ----

TEST(PortableMath, LogAndExpAgreeWithTheStandardLibrary) {
  for (double x :
       {1e-300, 1e-9, 0.001, 0.1, 0.5, 0.70710678, 0.9999, 1.0, 1.0001, 2.0, 3.7, 1e3, 1e12, 1e300})
    EXPECT_NEAR(portable::log(x), std::log(x), 4e-16 * std::max(1.0, std::fabs(std::log(x)))) << x;
  for (double x : {-700.0, -50.0, -3.3, -0.5, -1e-8, 0.0, 1e-8, 0.3466, 0.5, 1.0, 7.0, 88.0, 700.0})
    EXPECT_NEAR(portable::exp(x) / std::exp(x), 1.0, 1e-15) << x;
  EXPECT_EQ(portable::exp(-800), 0.0);
}

TEST(PortableMath, RandomIsSplitMix64AndItsDistributionsHaveTheirMoments) {
  portable::Random r(0);
  EXPECT_EQ(r.next(), 0xe220a8397b1dcdafULL);  // SplitMix64's published first output for seed 0
  portable::Random rng(7);
  const int n = 200000;
  double sum = 0, sum2 = 0, exp_sum = 0, poisson_sum = 0;
  for (int i = 0; i < n; ++i) {
    const double g = rng.normal();
    sum += g;
    sum2 += g * g;
    exp_sum += rng.exponential(2.0);
    poisson_sum += rng.poisson(3.5);
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.01);
  EXPECT_NEAR(exp_sum / n, 2.0, 0.02);
  EXPECT_NEAR(poisson_sum / n, 3.5, 0.02);
}

// ---- the generator ----

TEST(Jets, SameSeedSameImagesOtherSeedOtherImages) {
  const Dataset a = generate_jets(300, 5), b = generate_jets(300, 5), c = generate_jets(300, 6);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_NE(a.images, c.images);
}

TEST(Jets, ChecksumSharedWithTheWasmBuild) {
  const Dataset d = generate_jets(1000, 42);
  // The same numbers are asserted in tests/js/jets.test.mjs. If the generator changes on
  // purpose, update both (this test prints the new values).
  EXPECT_EQ(checksum(d), 0xee8f9e36u) << std::hex << checksum(d);
  EXPECT_EQ(d.labels[0], 1);
  EXPECT_FLOAT_EQ(d.images[312], 0.220877901f);
  EXPECT_FLOAT_EQ(d.images[1000 * 625 - 313], 0.306505382f);
}

TEST(Jets, BalancedShuffledClassesAndShapes) {
  const Dataset d = generate_jets(1001, 3);
  EXPECT_EQ(d.count, 1001u);
  EXPECT_EQ(d.rows, 25u);
  EXPECT_EQ(d.cols, 25u);
  EXPECT_EQ(d.images.size(), 1001u * 625u);
  ASSERT_EQ(d.labels.size(), 1001u);
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 1), 500);  // QCD gets the odd one
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), 0), 501);
  const auto first_half_signal = std::count(d.labels.begin(), d.labels.begin() + 500, 1);
  EXPECT_GT(first_half_signal, 200);
  EXPECT_LT(first_half_signal, 300);
  EXPECT_EQ(generate_jets(0, 1).count, 0u);
  EXPECT_THROW(generate_jets(kMaxJets + 1, 1), Error);  // refused before allocating
}

TEST(Jets, JetIDependsOnTheSeedIAndItsLabelAlone) {
  // (the lab can generate a set in chunks, or more jets, and keep the ones it has)
  const Dataset small = generate_jets(10, 9), large = generate_jets(40, 9);
  std::size_t same_label = 0;
  for (std::size_t i = 0; i < small.count; ++i) {
    if (small.labels[i] != large.labels[i]) continue;
    ++same_label;
    EXPECT_TRUE(std::equal(image(small, i), image(small, i) + kJetPixels, image(large, i))) << i;
  }
  EXPECT_GT(same_label, 0u);
  std::vector<float> out(kJetPixels);
  EXPECT_THROW(generate_jet(2, 1, out.data()), Error);
}

TEST(Jets, ARangeIsThatSliceOfTheWholeSetBitForBit) {
  // (the lab generates its test set in parts: the first screen from the first part)
  const std::size_t count = 600;
  const Dataset whole = generate_jets(count, 17);
  std::mt19937 pick(4);
  std::vector<std::pair<std::size_t, std::size_t>> ranges = {{0, count}, {0, 1}, {count - 1, 1}};
  for (int k = 0; k < 6; ++k) {
    const std::size_t first = std::uniform_int_distribution<std::size_t>(0, count - 1)(pick);
    ranges.emplace_back(first, std::uniform_int_distribution<std::size_t>(1, count - first)(pick));
  }
  for (const auto& [first, n] : ranges) {
    const Dataset part = generate_jets(count, 17, first, n);
    EXPECT_EQ(part.count, n);
    EXPECT_EQ(part.rows, 25u);
    EXPECT_EQ(part.cols, 25u);
    ASSERT_EQ(part.images.size(), n * kJetPixels);
    EXPECT_EQ(std::memcmp(part.images.data(), image(whole, first), n * kJetPixels * sizeof(float)), 0)
        << "jets " << first << " + " << n;
    EXPECT_TRUE(std::equal(part.labels.begin(), part.labels.end(), whole.labels.begin() + first))
        << "jets " << first << " + " << n;
  }
  // parts back to back are the whole set
  const Dataset a = generate_jets(count, 17, 0, 250), b = generate_jets(count, 17, 250, count - 250);
  std::vector<float> images = a.images;
  images.insert(images.end(), b.images.begin(), b.images.end());
  EXPECT_EQ(std::memcmp(images.data(), whole.images.data(), images.size() * sizeof(float)), 0);
  // another seed or another set size gives other jets (the labels are shuffled over the set)
  EXPECT_NE(generate_jets(count, 18, 10, 20).images, generate_jets(count, 17, 10, 20).images);
  EXPECT_NE(generate_jets(count + 1, 17, 0, 40).labels, generate_jets(count, 17, 0, 40).labels);
}

TEST(Jets, ARangeOutsideTheSetIsRefused) {
  EXPECT_THROW(generate_jets(10, 1, 5, 6), Error);
  EXPECT_THROW(generate_jets(10, 1, 11, 0), Error);
  EXPECT_THROW(generate_jets(10, 1, 5, std::numeric_limits<std::size_t>::max()), Error);  // no wrap
  EXPECT_THROW(generate_jets(kMaxJets + 1, 1, 0, 1), Error);
  try {
    generate_jets(10, 1, 4, 7);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "generate_jets: jets [first, first + n) = [4, 4 + 7) are not all in a set of 10");
  }
  EXPECT_EQ(generate_jets(10, 1, 10, 0).count, 0u);  // an empty range at the end is no error
}

TEST(Jets, ImagesArePtFractionsLeadingSubjetCentred) {
  const Dataset d = generate_jets(2000, 11);
  double centre[2] = {0, 0};
  for (std::size_t i = 0; i < d.count; ++i) {
    const float* im = image(d, i);
    double sum = 0;
    for (std::size_t p = 0; p < kJetPixels; ++p) {
      ASSERT_TRUE(std::isfinite(im[p]) && im[p] >= 0) << "jet " << i << " pixel " << p << ": " << im[p];
      sum += im[p];
    }
    ASSERT_NEAR(sum, 1.0, 1e-5) << "jet " << i;
    // the centre pixel holds the leading subjet: the brightest 3×3 block is around it
    double block = 0;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) block += im[(12 + dy) * 25 + 12 + dx];
    centre[d.labels[i]] += block / static_cast<double>(d.count / 2);
  }
  EXPECT_GT(centre[0], 0.4);  // QCD: most of the pT in one core
  EXPECT_GT(centre[1], 0.3);  // W/Z: the harder prong
  EXPECT_GT(centre[0], centre[1]);
}

// The second prong: the brightest 3×3 block straight below the centre, 4–11 pixels down
// (ΔR 0.4–1.1). Its pT fraction and its distance from the centre.
struct SecondProng {
  double fraction, delta_r;
};

SecondProng second_prong(const float* im) {
  SecondProng best{0, 0};
  for (int row = 16; row <= 23; ++row) {
    double block = 0;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx)
        if (row + dy < 25) block += im[(row + dy) * 25 + 12 + dx];
    if (block > best.fraction) best = {block, (row - 12) * kJetPixelSize};
  }
  return best;
}

TEST(Jets, SignalHasTwoProngsAtTheExpectedDeltaRAndTheClassesOverlap) {
  const Dataset d = generate_jets(4000, 13);
  std::vector<double> fraction[2];
  double delta_r_sum = 0;
  std::size_t two_prong_signal = 0;
  for (std::size_t i = 0; i < d.count; ++i) {
    const SecondProng s = second_prong(image(d, i));
    fraction[d.labels[i]].push_back(s.fraction);
    if (d.labels[i] == 1 && s.fraction > 0.1) {
      delta_r_sum += s.delta_r;
      ++two_prong_signal;
    }
  }
  const double mean_qcd = std::accumulate(fraction[0].begin(), fraction[0].end(), 0.0) / 2000;
  const double mean_w = std::accumulate(fraction[1].begin(), fraction[1].end(), 0.0) / 2000;
  EXPECT_GT(mean_w, 2 * mean_qcd) << "W/Z " << mean_w << ", QCD " << mean_qcd;
  EXPECT_GT(two_prong_signal, 1400u);  // most W/Z jets show a second prong

  // ΔR ≈ m / (pT √(z(1−z))) for m ∈ {80.4, 91.2}, pT ∈ [250, 300], z uniform, ΔR ≤ 1: the
  // expected mean by direct sampling of the formula
  Rng rng(1);
  double expected = 0;
  for (int n = 0; n < 100000;) {
    const double m = rng.uniform() < 0.5 ? 80.4 : 91.2, pt = rng.uniform(250, 300), z = rng.uniform();
    const double dr = m / (pt * std::sqrt(z * (1 - z)));
    if (dr <= 1) expected += dr / 100000, ++n;
  }
  const double measured = delta_r_sum / static_cast<double>(two_prong_signal);
  EXPECT_NEAR(measured, expected, 0.08) << "expected mean ΔR " << expected;

  // Overlap: a cut on the second prong keeps many QCD jets at a W/Z-like efficiency (and loses
  // W/Z jets): no single observable separates the classes.
  std::vector<double> w = fraction[1];
  std::sort(w.begin(), w.end());
  const double w_median = w[w.size() / 2], w_tenth = w[w.size() / 10];
  const auto qcd_above = [&](double cut) {
    return std::count_if(fraction[0].begin(), fraction[0].end(), [&](double f) { return f > cut; });
  };
  EXPECT_GT(qcd_above(w_median), 20);   // > 1% of QCD looks like a typical W/Z
  EXPECT_GT(qcd_above(w_tenth), 200);   // at 90% W/Z efficiency, > 10% of QCD passes
  EXPECT_LT(qcd_above(w_tenth), 1600);  // but the cut does separate
}

// ---- ROC metrics ----

TEST(RocAuc, HandMadeCases) {
  const std::vector<std::int32_t> labels{0, 0, 1, 1};
  EXPECT_EQ(roc_auc({0.1f, 0.2f, 0.8f, 0.9f}, labels), 1.0);    // perfect
  EXPECT_EQ(roc_auc({0.9f, 0.8f, 0.2f, 0.1f}, labels), 0.0);    // reversed
  EXPECT_EQ(roc_auc({0.5f, 0.5f, 0.5f, 0.5f}, labels), 0.5);    // all tied
  EXPECT_EQ(roc_auc({0.1f, 0.4f, 0.35f, 0.8f}, labels), 0.75);  // scikit-learn's roc_auc_score example
  // pairs (signal, background): (.5,.5) tie ½, (.5,.2) 1, (.9,.5) 1, (.9,.2) 1 -> 3.5 / 4
  EXPECT_EQ(roc_auc({0.5f, 0.5f, 0.2f, 0.9f}, {1, 0, 0, 1}), 0.875);
}

TEST(RocAuc, RefusesWhatItCannotScore) {
  EXPECT_THROW(roc_auc({0.1f, 0.2f}, {0, 1, 1}), Error);
  EXPECT_THROW(roc_auc({0.1f, 0.2f}, {1, 1}), Error);
  EXPECT_THROW(roc_auc({0.1f, 0.2f}, {0, 2}), Error);
  EXPECT_THROW(roc_auc({0.1f, std::nanf("")}, {0, 1}), Error);
}

TEST(RocCurve, FromNoCutToAllAndBackgroundRejection) {
  // signals .9 .8 .7 .6, backgrounds .85 .5 .4 .3
  const std::vector<float> scores{0.9f, 0.85f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f};
  const std::vector<std::int32_t> labels{1, 0, 1, 1, 1, 0, 0, 0};
  const auto curve = roc_curve(scores, labels);
  ASSERT_EQ(curve.size(), 9u);
  EXPECT_EQ(curve.front().signal_efficiency, 0.0);
  EXPECT_EQ(curve.back().background_efficiency, 1.0);
  EXPECT_EQ(curve[3].signal_efficiency, 0.5);  // cut at .8: 2 of 4 signals, 1 of 4 backgrounds
  EXPECT_EQ(curve[3].background_efficiency, 0.25);
  EXPECT_EQ(background_rejection(scores, labels, 0.5), 4.0);
  EXPECT_EQ(background_rejection(scores, labels, 1.0), 4.0);  // keeping .6: only .85 passes
  EXPECT_EQ(background_rejection(scores, labels, 0.25), std::numeric_limits<double>::infinity());
  // between points: ε_S = .375 lies halfway between (.25, .25) and (.5, .25)
  EXPECT_EQ(background_rejection(scores, labels, 0.375), 4.0);
  EXPECT_EQ(background_rejection({0.1f, 0.9f}, {0, 1}, 0.5), std::numeric_limits<double>::infinity());
  EXPECT_THROW(background_rejection(scores, labels, 0.0), Error);
}

// ---- training ----

double test_auc(Sequential& model, const Dataset& test) {
  return roc_auc(output_column(model, test.images.data(), test.count, 1), test.labels);
}

TEST(JetTraining, ShortCnnRunSeparatesWAndQcd) {
  const auto start = std::chrono::steady_clock::now();
  const Dataset train = generate_jets(3000, 21), test = generate_jets(2000, 22);
  Sequential model(parse_architecture(presets::kJetCnn));
  initialize(model, 1);
  Trainer trainer(model, {}, 2);
  constexpr std::size_t kBatch = 64;
  for (int epoch = 0; epoch < 2; ++epoch)
    for (std::size_t s = 0; s + kBatch <= train.count; s += kBatch)
      trainer.step(image(train, s), train.labels.data() + s, kBatch, 0.003f);
  const double auc = test_auc(model, test);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("jet-cnn, 3,000 jets × 2 epochs: AUC %.4f in %.1f s\n", auc, seconds);
  EXPECT_GT(auc, 0.8);
}

// ---- the shipped jet models ----

struct Shipped {
  Sequential model;
  std::map<std::string, std::string> metadata;
};

Shipped load(const std::string& file) {
  const auto bytes = read_file(std::string(CONVSCOPE_MODELS_DIR) + "/" + file);
  std::map<std::string, std::string> metadata;
  Sequential model = load_model(bytes.data(), bytes.size(), &metadata);
  return {std::move(model), std::move(metadata)};
}

const Dataset& jet_test_set() {
  static const Dataset test = generate_jets(kJetTestCount, kJetTestSeed);
  return test;
}

// The recorded AUC, accuracy and rejection, regenerating the fixed test set from its seed.
void expect_recorded_scores(Shipped& shipped) {
  const Dataset& test = jet_test_set();
  const auto p = output_column(shipped.model, test.images.data(), test.count, 1);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < test.count; ++i) hits += (p[i] > 0.5f) == (test.labels[i] == 1);
  EXPECT_EQ(shipped.metadata.at("dataset"), "W/Z vs QCD jet images (generated, ConvScope)");
  EXPECT_EQ(shipped.model.labels(), (std::vector<std::string>{"QCD", "W/Z"}));
  EXPECT_NEAR(roc_auc(p, test.labels), std::stod(shipped.metadata.at("test_auc")), 0.00005);
  EXPECT_NEAR(static_cast<double>(hits) / static_cast<double>(test.count),
              std::stod(shipped.metadata.at("test_accuracy")), 0.00005);
  EXPECT_NEAR(background_rejection(p, test.labels, 0.5),
              std::stod(shipped.metadata.at("background_rejection_at_50")), 0.005);
}

TEST(ShippedJetModels, CnnReachesItsRecordedAucOnTheRegeneratedTestSet) {
  Shipped cnn = load("jet-cnn.safetensors");
  expect_recorded_scores(cnn);
  const double auc = std::stod(cnn.metadata.at("test_auc"));
  EXPECT_GE(auc, 0.9);   // a good small CNN ...
  EXPECT_LE(auc, 0.97);  // ... on classes that overlap
  for (std::size_t i = 0; i < cnn.model.size(); ++i) {
    if (const auto* conv = dynamic_cast<const Conv2d*>(&cnn.model.layer(i))) {
      EXPECT_LE(conv->geometry().oc, 16u) << conv->name();
    }
  }
}

TEST(ShippedJetModels, DnnReachesItsRecordedAucBelowTheCnnWithMoreParameters) {
  Shipped dnn = load("jet-dnn.safetensors"), cnn = load("jet-cnn.safetensors");
  expect_recorded_scores(dnn);
  EXPECT_GT(dnn.model.parameter_count(), cnn.model.parameter_count());
  EXPECT_LT(std::stod(dnn.metadata.at("test_auc")), std::stod(cnn.metadata.at("test_auc")));
}

}  // namespace
}  // namespace convscope

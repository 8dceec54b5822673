// W/Z vs QCD jet images: a seeded generator of the lecture's lab data (the physics is described
// at the top of jets.cpp). An image is [25,25] over η (columns, left to right) and φ (rows, top
// to bottom = φ decreasing), 0.1 per pixel, centre pixel (12,12) at the leading subjet; a pixel
// holds its fraction of the jet's pT (an image sums to 1). Label 1 = W/Z (signal), 0 = QCD.
// Same seed, same images, bit for bit, in the native and the wasm build.
#pragma once
#include <cstddef>
#include <cstdint>

#include "io/mnist_idx.hpp"  // Dataset

namespace convscope {

constexpr std::size_t kJetSide = 25;
constexpr std::size_t kJetPixels = kJetSide * kJetSide;
constexpr double kJetPixelSize = 0.1;  // in η and in φ
// The data sets of the shipped jet models: generate_jets(40000, 1) to train, (10000, 2) to test.
constexpr std::uint32_t kJetTrainSeed = 1, kJetTestSeed = 2;
constexpr std::size_t kJetTrainCount = 40000, kJetTestCount = 10000;

// The generator's knobs; the defaults make the classes overlap so that a small CNN reaches a
// ROC AUC of about 0.95 (see jets.cpp for what each one models).
struct JetPhysics {
  double pt_min = 250, pt_max = 300;             // jet pT window, GeV
  double jet_radius = 1.0;                       // R: both W prongs inside, QCD shower up to R
  double mass_smear = 3.0;                       // GeV: width + resolution on m_W, m_Z
  double alpha_s = 0.15;                         // strength of the collinear emissions
  double z_min = 0.01, theta_min = 0.02;         // emission phase space: z in [z_min, ½], θ ≥ θ_min
  double gluon_fraction = 0.5;                   // QCD jets from gluons (C_A = 3) vs quarks (C_F = 4/3)
  double soft_count = 6, soft_pt = 1.5;          // wide-angle soft gluons: mean number, mean pT (GeV)
  double hadron_kt = 1.0;                        // GeV: hadrons' momentum across their parton
  double hadrons_per_log = 0.9;                  // hadron multiplicity ∝ ln(pT / 1 GeV)
  double detector_spread = 0.05;                 // calorimeter shower position smear (η, φ)
  double stochastic = 0.8, constant = 0.05;      // energy resolution σ/E = a/√E ⊕ b
  double pileup_density = 3.0, pileup_pt = 0.6;  // pile-up deposits per unit η·φ, their mean pT
};

// One jet image [25·25] of class `label` (0 QCD, 1 W/Z) from its own seed.
void generate_jet(int label, std::uint64_t seed, float* image, const JetPhysics& physics = {});

// count jets (at most kMaxJets), half of each class (QCD gets the odd one), in a shuffled order;
// rows = cols = 25, images [count, 625], labels [count]. Jet i's image depends on (seed, i) and
// its label alone.
constexpr std::size_t kMaxJets = 1000000;
Dataset generate_jets(std::size_t count, std::uint32_t seed, const JetPhysics& physics = {});

// Jets [first, first + n) of the set (count, seed) alone: bit for bit those rows of
// generate_jets(count, seed) (the labels are shuffled over the whole set, each image has its own
// seed), so a set can be generated in parts (the lab shows its first screen from a first part).
// first + n must be at most count; otherwise Error.
Dataset generate_jets(std::size_t count, std::uint32_t seed, std::size_t first, std::size_t n,
                      const JetPhysics& physics = {});

// generate_jets for a count and a seed given as numbers (the pages' generateJets): whole
// numbers, count from 1 to kMaxJetsPerRequest, seed from 0 to 2^32 - 1; otherwise Error
// "generateJets: count must be ...".
constexpr std::size_t kMaxJetsPerRequest = 100000;  // 250 MB of images in the page
Dataset generate_jets_checked(double count, double seed);

// generate_jets(count, seed, first, n) for numbers (the pages' generateJetRange): count and seed
// as above, first from 0 to count - 1, n from 1 to count - first; otherwise Error
// "generateJetRange: <count|seed|first|n> must be ...".
Dataset generate_jet_range_checked(double count, double seed, double first, double n);

}  // namespace convscope

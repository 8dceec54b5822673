// The jet-image generator. A toy of what a calorimeter sees of a boosted jet, after the
// jet-image papers (Cogan, Kagan, Strauss, Schwartzman 2015, arXiv:1407.5675; de Oliveira,
// Kagan, Mackey, Nachman, Schwartzman 2016, arXiv:1511.05190): R = 1.0 jets, pT 250–300 GeV,
// 25×25 pixels of 0.1 in η and φ, each pixel its fraction of the jet's pT.
//
// W/Z jets (signal). A boosted W (80.4 GeV) or Z (91.2 GeV) decays to two quarks carrying
// momentum fractions z and 1−z. Their opening angle follows from the mass,
//   m² ≈ z(1−z)·pT²·ΔR²   →   ΔR ≈ m / (pT·√(z(1−z))),
// about 0.55–0.75 for z = ½ and up to R = 1 for z ≈ 0.1: two hard prongs 5–10 pixels apart.
// z is uniform (an unpolarised decay), redrawn until ΔR ≤ R (both prongs inside the jet).
// The boson is a colour singlet: each quark radiates only inside the cone up to the other quark
// (angular ordering, θ < ΔR), and the soft wide-angle gluons lie along the line between the
// two prongs (the colour dipole).
//
// QCD jets (background). One quark or gluon showers: emissions with
//   dP = (2 αs C / π) · dz/z · dθ/θ,   z in [z_min, ½], θ from R down to θ_min, angle-ordered,
// C = C_F = 4/3 for quarks, C_A = 3 for gluons. Most emissions are soft (1/z) or collinear
// (1/θ), so most QCD jets have one hard core; but now and then an emission is both hard and
// wide and the jet looks two-pronged, with a mass near m_W — the irreducible background that
// keeps the classes overlapping. QCD's soft gluons are colour-connected to the rest of the event
// and spread over the whole jet area, not between the prongs.
//
// Both. Each parton hadronises into 1 + Poisson(c·ln(pT/GeV)) hadrons sharing its pT (flat
// Dirichlet shares), each at an angle ~ k_T / pT_hadron (at most 0.3) from the parton (soft hadrons
// spread wide, hard ones stay close: every prong covers a few pixels). The calorimeter smears each
// hadron's position (shower size) and energy (σ/E = a/√E ⊕ b), and pile-up adds soft deposits
// uniformly over η–φ. Emissions of emissions, recoil of the jet axis, and the hadrons' masses are
// left out.
//
// Preprocessing, as in the papers, on the deposits (no image interpolation): subjets are found
// by iterative cones of radius 0.3 (seed = hardest deposit left within R of the jet axis,
// centroid = pT-weighted, recentred once); the image is translated so the leading subjet is at
// the centre pixel, rotated so the second subjet lies straight below it, and flipped in η so
// the third subjet is on the right. Deposits are shared between the four nearest pixel centres
// (bilinear), those outside the 25×25 window are lost, and the image is divided by its sum.
//
// Every number comes from portable::Random and portable::log/exp (portable_math.hpp), in
// double: the native and wasm builds give the same images bit for bit.
#include "data/jets.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "data/portable_math.hpp"
#include "error.hpp"
#include "tensor/numbers.hpp"

namespace convscope {
namespace {

using portable::Random;

constexpr double kPi = 3.14159265358979323846;
constexpr double kWMass = 80.4, kZMass = 91.2;  // GeV
constexpr double kCf = 4.0 / 3.0, kCa = 3.0;
constexpr double kSubjetRadius = 0.3;

struct Particle {
  double x, y, pt;  // η, φ relative to the jet axis; GeV
};

// A seed per jet from the data set's seed and the jet's index (SplitMix64 finaliser).
// (64-bit arithmetic: size_t is 32 bits in wasm.)
std::uint64_t jet_seed(std::uint32_t seed, std::uint64_t index) {
  Random mix((static_cast<std::uint64_t>(seed) << 32) ^ index);
  return mix.next();
}

// Angle-ordered collinear emissions of one parton, from theta_max down to theta_min
// (dP = κ dz/z dθ/θ, κ = 2αsC/π); the parton loses z of its pT to each and recoils.
void shower(Particle parton, double theta_max, double colour, const JetPhysics& p, Random& rng,
            std::vector<Particle>& out) {
  const double log_z_range = portable::log(0.5 / p.z_min);
  const double rate = 2 * p.alpha_s * colour / kPi * log_z_range;  // per unit ln(1/θ)
  double theta = theta_max;
  for (;;) {
    theta *= portable::exp(-rng.exponential(1.0) / rate);
    if (theta < p.theta_min) break;
    const double z = p.z_min * portable::exp(rng.uniform() * log_z_range);  // ∝ 1/z
    double dx, dy;
    rng.direction(dx, dy);
    out.push_back({parton.x + (1 - z) * theta * dx, parton.y + (1 - z) * theta * dy, z * parton.pt});
    parton.x -= z * theta * dx;
    parton.y -= z * theta * dy;
    parton.pt *= 1 - z;
  }
  out.push_back(parton);
}

// Partons -> calorimeter deposits: hadronisation, then position and energy smearing.
void hadronise(const std::vector<Particle>& partons, const JetPhysics& p, Random& rng,
               std::vector<Particle>& deposits) {
  std::vector<double> shares;
  for (const Particle& parton : partons) {
    const int n = 1 + rng.poisson(p.hadrons_per_log * std::max(0.0, portable::log(parton.pt)));
    shares.resize(static_cast<std::size_t>(n));
    double total = 0;
    for (double& s : shares) total += (s = rng.exponential(1.0));
    for (double s : shares) {
      const double pt = parton.pt * s / total;
      const double spread = std::min(0.3, p.hadron_kt / std::max(pt, 1e-3));
      double x = parton.x + spread * rng.normal(), y = parton.y + spread * rng.normal();
      x += p.detector_spread * rng.normal();
      y += p.detector_spread * rng.normal();
      const double resolution = std::sqrt(p.stochastic * p.stochastic / std::max(pt, 1e-3) +
                                          p.constant * p.constant);
      const double measured = pt * (1 + resolution * rng.normal());
      if (measured > 0) deposits.push_back({x, y, measured});
    }
  }
}

struct Subjet {
  double x = 0, y = 0, pt = 0;
};

// Iterative cones of radius 0.3: seed = hardest unused deposit within R of the axis.
std::vector<Subjet> find_subjets(const std::vector<Particle>& deposits, double jet_radius,
                                 std::size_t how_many) {
  std::vector<std::size_t> order(deposits.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return deposits[a].pt > deposits[b].pt; });
  std::vector<bool> used(deposits.size(), false);
  std::vector<Subjet> subjets;
  const double r2 = kSubjetRadius * kSubjetRadius;
  for (std::size_t seed : order) {
    if (subjets.size() == how_many) break;
    const Particle& s = deposits[seed];
    if (used[seed] || s.x * s.x + s.y * s.y > jet_radius * jet_radius) continue;
    Subjet cone{s.x, s.y, 0};
    for (int pass = 0; pass < 2; ++pass) {  // centroid, then recentre once
      double sx = 0, sy = 0, spt = 0;
      for (std::size_t i = 0; i < deposits.size(); ++i) {
        const double dx = deposits[i].x - cone.x, dy = deposits[i].y - cone.y;
        if (used[i] || dx * dx + dy * dy > r2) continue;
        sx += deposits[i].pt * deposits[i].x;
        sy += deposits[i].pt * deposits[i].y;
        spt += deposits[i].pt;
      }
      if (spt > 0) cone = {sx / spt, sy / spt, spt};
    }
    for (std::size_t i = 0; i < deposits.size(); ++i) {
      const double dx = deposits[i].x - cone.x, dy = deposits[i].y - cone.y;
      if (dx * dx + dy * dy <= r2) used[i] = true;
    }
    used[seed] = true;
    subjets.push_back(cone);
  }
  return subjets;
}

// Leading subjet to (0,0), second straight below (φ < 0), third on the right (η > 0).
void preprocess(std::vector<Particle>& deposits, double jet_radius) {
  const std::vector<Subjet> subjets = find_subjets(deposits, jet_radius, 3);
  if (subjets.empty()) return;
  const double cx = subjets[0].x, cy = subjets[0].y;
  // Rotation taking the unit vector u (leading -> second) to (0, −1): [[−uy, ux], [−ux, −uy]].
  double ux = 0, uy = -1;
  if (subjets.size() > 1) {
    const double dx = subjets[1].x - cx, dy = subjets[1].y - cy, d = std::sqrt(dx * dx + dy * dy);
    if (d > 1e-9) ux = dx / d, uy = dy / d;
  }
  auto rotate = [&](double x, double y, double& rx, double& ry) {
    rx = -uy * (x - cx) + ux * (y - cy);
    ry = -ux * (x - cx) - uy * (y - cy);
  };
  double flip = 1;
  if (subjets.size() > 2) {
    double tx, ty;
    rotate(subjets[2].x, subjets[2].y, tx, ty);
    if (tx < 0) flip = -1;
  }
  for (Particle& d : deposits) {
    double rx, ry;
    rotate(d.x, d.y, rx, ry);
    d.x = flip * rx;
    d.y = ry;
  }
}

// Bilinear deposit into [25,25] (x = η -> column, y = φ -> row from the top), then / sum.
void pixelise(const std::vector<Particle>& deposits, float* image) {
  constexpr double centre = (kJetSide - 1) / 2.0;  // 12
  std::vector<double> sum(kJetPixels, 0.0);
  auto add = [&](long row, long col, double pt) {
    if (row >= 0 && col >= 0 && row < static_cast<long>(kJetSide) && col < static_cast<long>(kJetSide))
      sum[static_cast<std::size_t>(row) * kJetSide + static_cast<std::size_t>(col)] += pt;
  };
  for (const Particle& d : deposits) {
    const double u = centre + d.x / kJetPixelSize, v = centre - d.y / kJetPixelSize;
    if (!(u > -1 && v > -1 && u < kJetSide && v < kJetSide)) continue;
    const double fu = std::floor(u), fv = std::floor(v), au = u - fu, av = v - fv;
    const long col = static_cast<long>(fu), row = static_cast<long>(fv);
    add(row, col, d.pt * (1 - au) * (1 - av));
    add(row, col + 1, d.pt * au * (1 - av));
    add(row + 1, col, d.pt * (1 - au) * av);
    add(row + 1, col + 1, d.pt * au * av);
  }
  double total = 0;
  for (double s : sum) total += s;
  for (std::size_t i = 0; i < kJetPixels; ++i)
    image[i] = total > 0 ? static_cast<float>(sum[i] / total) : 0.0f;
}

}  // namespace

void generate_jet(int label, std::uint64_t seed, float* image, const JetPhysics& p) {
  Random rng(seed);
  const double pt = rng.uniform(p.pt_min, p.pt_max);
  std::vector<Particle> partons;
  if (label == 1) {
    // W or Z -> q q̄: fractions z, 1−z at ΔR = m / (pT √(z(1−z))) ≤ R.
    const double mass = (rng.uniform() < 0.5 ? kWMass : kZMass) + p.mass_smear * rng.normal();
    double z, dr;
    do {
      z = rng.uniform();
      dr = mass / (pt * std::sqrt(z * (1 - z)));
    } while (!(dr <= p.jet_radius));
    double nx, ny;
    rng.direction(nx, ny);
    // prong a (pT z) at +(1−z)ΔR n, prong b (pT 1−z) at −zΔR n: the pT-weighted axis is (0,0)
    const Particle a{(1 - z) * dr * nx, (1 - z) * dr * ny, z * pt};
    const Particle b{-z * dr * nx, -z * dr * ny, (1 - z) * pt};
    shower(a, dr, kCf, p, rng, partons);
    shower(b, dr, kCf, p, rng, partons);
    // soft gluons of the colour dipole: along the segment a–b, a little to the side
    const int n_soft = rng.poisson(p.soft_count);
    for (int i = 0; i < n_soft; ++i) {
      const double t = rng.uniform(), side = 0.15 * dr * rng.normal();
      partons.push_back({a.x + t * (b.x - a.x) - side * ny, a.y + t * (b.y - a.y) + side * nx,
                         rng.exponential(p.soft_pt)});
    }
  } else if (label == 0) {
    const double colour = rng.uniform() < p.gluon_fraction ? kCa : kCf;
    shower({0, 0, pt}, p.jet_radius, colour, p, rng, partons);
    // soft gluons colour-connected to the rest of the event: uniform over the jet area
    const int n_soft = rng.poisson(p.soft_count);
    for (int i = 0; i < n_soft; ++i) {
      double dx, dy;
      rng.direction(dx, dy);
      const double r = p.jet_radius * std::sqrt(rng.uniform());
      partons.push_back({r * dx, r * dy, rng.exponential(p.soft_pt)});
    }
  } else {
    throw Error("generate_jet: label must be 0 (QCD) or 1 (W/Z), got " + std::to_string(label));
  }

  std::vector<Particle> deposits;
  hadronise(partons, p, rng, deposits);
  // pile-up: soft deposits uniform over a square that covers the image after preprocessing
  constexpr double half = 2.0;
  const int n_pileup = rng.poisson(p.pileup_density * 4 * half * half);
  for (int i = 0; i < n_pileup; ++i) {
    const double x = rng.uniform(-half, half), y = rng.uniform(-half, half);
    deposits.push_back({x, y, rng.exponential(p.pileup_pt)});
  }
  preprocess(deposits, p.jet_radius);
  pixelise(deposits, image);
}

Dataset generate_jets(std::size_t count, std::uint32_t seed, const JetPhysics& physics) {
  return generate_jets(count, seed, 0, count, physics);
}

Dataset generate_jets(std::size_t count, std::uint32_t seed, std::size_t first, std::size_t n,
                      const JetPhysics& physics) {
  if (count > kMaxJets)
    throw Error("generate_jets: at most " + std::to_string(kMaxJets) +
                " jets at once (2.5 GB), asked for " + std::to_string(count));
  if (first > count || n > count - first)
    throw Error("generate_jets: jets [first, first + n) = [" + std::to_string(first) + ", " +
                std::to_string(first) + " + " + std::to_string(n) + ") are not all in a set of " +
                std::to_string(count));
  // The labels of the whole set (a jet's label depends on the shuffle of all count), then the
  // images of the range alone.
  std::vector<std::int32_t> labels(count);
  for (std::size_t i = 0; i < count; ++i) labels[i] = static_cast<std::int32_t>(i < count / 2);
  Random shuffle(jet_seed(seed, ~std::uint64_t{0}));
  for (std::size_t i = count; i > 1; --i) std::swap(labels[i - 1], labels[shuffle.below(i)]);
  Dataset d;
  d.count = n;
  d.rows = d.cols = kJetSide;
  d.images.resize(n * kJetPixels);
  d.labels.assign(labels.begin() + static_cast<std::ptrdiff_t>(first),
                  labels.begin() + static_cast<std::ptrdiff_t>(first + n));
  for (std::size_t i = 0; i < n; ++i)
    generate_jet(d.labels[i], jet_seed(seed, first + i), d.images.data() + i * kJetPixels, physics);
  return d;
}

namespace {

// The checks of both numeric requests, one copy: name is the page's function, for the messages.
Dataset checked_range(double count, double seed, double first, double n, const std::string& name) {
  whole_number(count, 1, kMaxJetsPerRequest, name + ": count");
  whole_number(seed, 0, 4294967295.0, name + ": seed");
  whole_number(first, 0, count - 1, name + ": first");
  whole_number(n, 1, count - first, name + ": n (first + n at most count)");
  return generate_jets(static_cast<std::size_t>(count), static_cast<std::uint32_t>(seed),
                       static_cast<std::size_t>(first), static_cast<std::size_t>(n));
}

}  // namespace

Dataset generate_jets_checked(double count, double seed) {
  return checked_range(count, seed, 0, count, "generateJets");
}

Dataset generate_jet_range_checked(double count, double seed, double first, double n) {
  return checked_range(count, seed, first, n, "generateJetRange");
}

}  // namespace convscope

#include "train/learner.hpp"

#include <cmath>

#include "train/init.hpp"
#include "train/schedule.hpp"

namespace convscope {

OptimizerConfig::Kind optimizer_kind(const std::string& name) {
  if (name == "adam") return OptimizerConfig::Kind::adam;
  if (name == "sgd") return OptimizerConfig::Kind::sgd;
  throw Error("optimizer: expected \"adam\" or \"sgd\", got \"" + name + "\"");
}

Learner::Learner(Sequential& model, std::size_t threads)
    : model_(model), threads_(threads ? threads : 1) {}

void Learner::initialize(std::uint32_t seed) {
  convscope::initialize(model_, seed);
  trainer_.reset();
}

void Learner::set_optimizer(const OptimizerConfig& config) {
  config_ = config;
  trainer_.reset();
}

void Learner::set_schedule(float peak, std::size_t total_steps) {
  if (!(peak >= 0) || !std::isfinite(peak)) throw Error("schedule: peak learning rate must be >= 0");
  if (total_steps < 1) throw Error("schedule: total steps must be at least 1");
  peak_ = peak;
  total_steps_ = total_steps;
  steps_ = 0;
}

float Learner::scheduled_rate() const { return one_cycle(peak_, steps_, total_steps_); }

void Learner::check(const Batch& b) const {
  const std::size_t in = model_.input_size();
  if (b.n < 1 || b.input_values / in != b.n || b.input_values % in != 0 || b.label_count != b.n)
    throw Error("expected n = " + std::to_string(b.n) + " inputs of " + std::to_string(in) +
                " values and n labels, got " + std::to_string(b.input_values) + " values and " +
                std::to_string(b.label_count) + " labels");
}

Trainer& Learner::trainer() {
  if (!trainer_) trainer_ = std::make_unique<Trainer>(model_, config_, threads_);
  return *trainer_;
}

LossResult Learner::step(const Batch& batch, float learning_rate, Kernels kernels) {
  check(batch);
  if (!(learning_rate >= 0) || !std::isfinite(learning_rate))
    throw Error("learning rate must be >= 0 and finite");
  return trainer().step(batch.inputs, batch.labels, batch.n, learning_rate, kernels);
}

LossResult Learner::step(const Batch& batch, Kernels kernels) {
  const LossResult r = step(batch, scheduled_rate(), kernels);
  ++steps_;
  return r;
}

LossResult Learner::evaluate(const Batch& batch, Kernels kernels) {
  check(batch);
  return trainer().evaluate(batch.inputs, batch.labels, batch.n, kernels);
}

}  // namespace convscope

// A model being trained: its optimizer (settings and state) and its learning-rate schedule.
// The native trainer (cli/train.cpp) and the pages (through the binding) both train through
// it, so sizes, labels and rates are checked here, once.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "train/optimizer.hpp"
#include "train/trainer.hpp"

namespace convscope {

// "adam" or "sgd"; otherwise Error naming what came.
OptimizerConfig::Kind optimizer_kind(const std::string& name);

// n labelled samples back to back: input_values must be n · the model's input size and
// label_count n (both are checked, so a caller passes what it was given).
struct Batch {
  const float* inputs;
  std::size_t input_values;
  const std::int32_t* labels;
  std::size_t label_count;
  std::size_t n;
};

class Learner {
 public:
  // threads > 1 (native builds): each step splits its batch over that many model replicas.
  explicit Learner(Sequential& model, std::size_t threads = 1);

  Sequential& model() { return model_; }

  // Fresh He/Glorot weights for a seed; forgets the optimizer's state.
  void initialize(std::uint32_t seed);
  // New optimizer settings; forgets the optimizer's state.
  void set_optimizer(const OptimizerConfig& config);
  // The one-cycle schedule (train/schedule.hpp) over total_steps, for step() without a rate.
  void set_schedule(float peak, std::size_t total_steps);
  // The schedule's rate for the next step.
  float scheduled_rate() const;

  // One optimizer step at learning_rate (>= 0) -> the batch's loss and hits before the step.
  LossResult step(const Batch& batch, float learning_rate, Kernels kernels = Kernels::fast);
  // One step at the schedule's rate; advances the schedule.
  LossResult step(const Batch& batch, Kernels kernels = Kernels::fast);
  // Loss and hits without learning.
  LossResult evaluate(const Batch& batch, Kernels kernels = Kernels::fast);

 private:
  void check(const Batch& batch) const;
  Trainer& trainer();

  Sequential& model_;
  std::size_t threads_;
  OptimizerConfig config_;
  std::unique_ptr<Trainer> trainer_;  // created at the first step; holds the optimizer's state
  float peak_ = 0.003f;
  std::size_t total_steps_ = 1, steps_ = 0;
};

}  // namespace convscope

#include "train/trainer.hpp"

#include "kernels/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace convscope {

Trainer::Trainer(Sequential& model, OptimizerConfig config, std::size_t threads)
    : model_(model), optimizer_(config), params_(model.params()) {
  workers_.push_back({&model_, {}, {}, {}});
  for (std::size_t t = 1; t < threads; ++t) {
    replicas_.push_back(std::make_unique<Sequential>(model.architecture()));
    workers_.push_back({replicas_.back().get(), {}, {}, {}});
  }
}

void Trainer::Worker::run(const float* x, const std::int32_t* labels, std::size_t n, Kernels kernels,
                          bool learn) {
  const Tensor& out = model->forward(x, n * model->input_size(), n, kernels);
  const std::size_t last = model->size() - 1;
  const bool fused = last > 0 && model->layer(last).type() == "softmax";
  if (fused) {
    result = softmax_cross_entropy(out, labels, grad);  // = dL/d(softmax input)
  } else {
    // Logits: softmax them here (stable), then the same loss.
    const std::size_t k = out.size() / n;
    if (!std::equal(out.shape().begin(), out.shape().end(), probs.shape().begin(), probs.shape().end()))
      probs.resize(out.shape());
    for (std::size_t s = 0; s < n; ++s)
      kernels::softmax_f32_scalar(k, out.data() + s * k, probs.data() + s * k);
    result = softmax_cross_entropy(probs, labels, grad);
  }
  if (!learn) return;
  model->zero_grad();
  model->backward(grad, fused ? last - 1 : last, kernels);
}

LossResult Trainer::step(const float* x, const std::int32_t* labels, std::size_t n, float learning_rate,
                         Kernels kernels) {
  const std::size_t parts = std::min(workers_.size(), n), in = model_.input_size();
  std::vector<std::thread> threads;
  std::size_t begin = 0;
  std::vector<std::size_t> sizes(parts);
  for (std::size_t t = 0; t < parts; ++t) {
    sizes[t] = n / parts + (t < n % parts ? 1 : 0);
    if (t > 0) {  // the replica starts from the model's current weights
      auto replica_params = workers_[t].model->params();
      for (std::size_t i = 0; i < params_.size(); ++i) *replica_params[i].value = *params_[i].value;
      threads.emplace_back(&Worker::run, &workers_[t], x + begin * in, labels + begin, sizes[t], kernels,
                           true);
    }
    begin += sizes[t];
  }
  workers_[0].run(x, labels, sizes[0], kernels, true);
  for (auto& t : threads) t.join();

  // Each worker's gradient is of its own slice's mean loss: weight by slice size to get the
  // gradient of the whole batch's mean.
  LossResult total{0.0, 0};
  for (std::size_t t = 0; t < parts; ++t) {
    const float weight = static_cast<float>(sizes[t]) / static_cast<float>(n);
    total.loss += workers_[t].result.loss * sizes[t] / static_cast<double>(n);
    total.correct += workers_[t].result.correct;
    if (parts == 1) break;
    const auto worker_params = workers_[t].model->params();
    for (std::size_t i = 0; i < params_.size(); ++i) {
      float* g = params_[i].grad->data();
      const float* wg = worker_params[i].grad->data();  // == g for t = 0
      const std::size_t size = params_[i].grad->size();
      if (t == 0)
        for (std::size_t j = 0; j < size; ++j) g[j] *= weight;
      else
        for (std::size_t j = 0; j < size; ++j) g[j] += weight * wg[j];
    }
  }
  optimizer_.step(params_, learning_rate);
  model_.weights_changed();  // params_ was taken at construction
  return total;
}

LossResult Trainer::evaluate(const float* x, const std::int32_t* labels, std::size_t n,
                             Kernels kernels) {
  workers_[0].run(x, labels, n, kernels, false);
  return workers_[0].result;
}

std::vector<std::int32_t> predict_classes(Sequential& model, const float* x, std::size_t n,
                                          std::size_t batch, Kernels kernels) {
  std::vector<std::int32_t> classes(n);
  const std::size_t in = model.input_size(), k = model.output_size();
  for (std::size_t s = 0; s < n; s += batch) {
    const std::size_t m = std::min(batch, n - s);
    const Tensor& out = model.forward(x + s * in, m * in, m, kernels);
    for (std::size_t j = 0; j < m; ++j)
      classes[s + j] = static_cast<std::int32_t>(argmax(out.data() + j * k, k));
  }
  return classes;
}

}  // namespace convscope

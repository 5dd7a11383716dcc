// A network: layers in order, the output of each the input of the next.
#pragma once

#include <memory>
#include <vector>

#include "layer.hpp"
#include "loss.hpp"

namespace mindset {

template <class T>
class Network {
 public:
  Network() = default;
  explicit Network(std::vector<std::unique_ptr<Layer<T>>> layers) : layers_(std::move(layers)) {}

  // Builds from the validated `model.layers` list.
  static Network from_config(const ConfigNode& layers);

  // Allocates every buffer for inputs of n_in features and batches of up to max_batch examples.
  void build(std::size_t n_in, std::size_t max_batch);
  // Draws all parameters, layer after layer, from one stream.
  void initialize(const Initializer& default_init, NumpyRandom& rng);

  // x: n_in x m (m <= max_batch). Returns the output, valid until the next forward.
  CView<T> forward(CView<T> x, const ForwardMode& mode);
  // After forward(x): gradients of the loss against targets y for every parameter. The output
  // layer takes dZ = A - Y directly when its activation is the loss's fused one.
  void backward(CView<T> x, const Loss<T>& loss, CView<T> y);

  // Every parameter, named "layer_<l>/W" etc. (l from 1), in layer order.
  const std::vector<Param<T>>& parameters() const { return params_; }
  std::size_t size() const { return layers_.size(); }
  Layer<T>& layer(std::size_t i) { return *layers_[i]; }
  const Layer<T>& layer(std::size_t i) const { return *layers_[i]; }
  std::size_t input_size() const { return n_in_; }
  std::size_t output_size() const { return layers_.empty() ? n_in_ : layers_.back()->output_size(); }
  std::size_t max_batch() const { return max_batch_; }
  std::size_t parameter_count() const;

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<Param<T>> params_;
  std::vector<Matrix<T>> grads_;     // grads_[l]: gradient at layer l's output
  std::vector<CView<T>> outputs_;    // outputs of the last forward pass
  std::size_t n_in_ = 0, max_batch_ = 0;
};

}  // namespace mindset

// The layer interface, after mlpack: forward, backward, and parameters() as named {value, grad}
// pairs. Constructors only store the validated options; build() allocates once the input size
// is known. Layers never see the learning rate: optimisers own the update rule.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "activation.hpp"
#include "initializer.hpp"
#include "random.hpp"
#include "registry.hpp"
#include "tensor.hpp"

namespace mindset {

template <class T>
struct Param {
  std::string name;            // "W", "b"; the network prefixes "layer_<l>/"
  xt::xtensor<T, 2>* value;
  xt::xtensor<T, 2>* grad;
  bool is_weight;              // weights take L2 penalties; biases do not
};

// How a forward pass runs: training passes may draw from the stream (dropout masks).
struct ForwardMode {
  bool training = false;
  NumpyRandom* rng = nullptr;
};

// Sweep fusion (runner/fused_trainer.cpp): a driver computes the products Z = W X and
// dW = (1/m) dZ X^T of several networks' first dense layers at once, reading X once.
template <class T>
struct FusedProducts {
  const T* w = nullptr;   // W (units x fan_in, row-major)
  T* z = nullptr;         // where W X goes (units x m); forward() then adds the bias and applies g
  const T* dz = nullptr;  // dZ (units x m), set by backward()
  T* dw = nullptr;        // where (1/m) dZ X^T goes
  std::size_t units = 0, fan_in = 0;
};

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string type() const = 0;

  // The input size is known: allocate parameters and buffers for up to max_batch examples.
  virtual void build(std::size_t fan_in, std::size_t max_batch) = 0;
  virtual std::size_t output_size() const = 0;
  // Draw the initial parameters from the run's stream (layers without parameters draw nothing).
  virtual void initialize(const Initializer& /*default_init*/, NumpyRandom& /*rng*/) {}

  // input: fan_in x m. Returns this layer's output (output_size x m), valid until the next call.
  virtual CView<T> forward(CView<T> input, const ForwardMode& mode) = 0;
  // grad: dJ/d(output) * m, or dJ/dZ * m when grad_is_dz (the loss fused with the activation);
  // it may be overwritten. Sets the parameter gradients and, unless input_grad is null, dA_prev.
  virtual void backward(CView<T> input, View<T> grad, bool grad_is_dz, View<T>* input_grad) = 0;

  virtual std::vector<Param<T>> parameters() { return {}; }
  virtual const Activation<T>* activation() const { return nullptr; }
  // The pre-activation Z of the last forward pass (the output itself for layers without one).
  virtual CView<T> pre_activation() const = 0;
  // What the results file records about the layer (units, activation, options).
  virtual ConfigNode attributes() const = 0;

  // Sweep fusion, for a first layer: fills p for a batch of m examples and arms the layer so that
  // its next forward() takes W X as already written to p.z, and its next backward() sets p.dz and
  // leaves dW to the driver. False (nothing armed) for layers that cannot do this.
  virtual bool defer_products(std::size_t /*m*/, FusedProducts<T>* /*p*/) { return false; }
  // Disarms what defer_products() armed and the passes did not use.
  virtual void cancel_deferred() {}
};

struct LayerTag {
  using Factory = ScalarFactory<Layer>;
  static const char* kind() { return "layer"; }
  static const char* plural() { return "layers"; }
};
using LayerRegistry = Registry<LayerTag>;

template <class T>
std::unique_ptr<Layer<T>> make_layer(const ConfigNode& spec);

}  // namespace mindset

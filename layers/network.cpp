#include "network.hpp"

#include <stdexcept>

namespace mindset {

template <class T>
Network<T> Network<T>::from_config(const ConfigNode& layers) {
  std::vector<std::unique_ptr<Layer<T>>> out;
  for (const ConfigNode& l : layers.items()) out.push_back(make_layer<T>(l));
  return Network<T>(std::move(out));
}

template <class T>
void Network<T>::build(std::size_t n_in, std::size_t max_batch) {
  n_in_ = n_in;
  max_batch_ = max_batch;
  params_.clear();
  grads_.assign(layers_.size(), Matrix<T>());
  outputs_.assign(layers_.size(), CView<T>());
  std::size_t fan_in = n_in;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    layers_[l]->build(fan_in, max_batch);
    fan_in = layers_[l]->output_size();
    grads_[l].resize(fan_in, max_batch);
    for (Param<T> p : layers_[l]->parameters()) {
      p.name = "layer_" + std::to_string(l + 1) + "/" + p.name;
      params_.push_back(std::move(p));
    }
  }
}

template <class T>
void Network<T>::initialize(const Initializer& default_init, NumpyRandom& rng) {
  for (auto& l : layers_) l->initialize(default_init, rng);
}

template <class T>
CView<T> Network<T>::forward(CView<T> x, const ForwardMode& mode) {
  if (x.rows != n_in_ || x.cols > max_batch_)
    throw std::logic_error("network input of " + std::to_string(x.rows) + "x" + std::to_string(x.cols) +
                           " does not fit a network built for " + std::to_string(n_in_) + "x" +
                           std::to_string(max_batch_));
  CView<T> a = x;
  for (std::size_t l = 0; l < layers_.size(); ++l) a = outputs_[l] = layers_[l]->forward(a, mode);
  return a;
}

template <class T>
void Network<T>::backward(CView<T> x, const Loss<T>& loss, CView<T> y) {
  const std::size_t L = layers_.size(), m = x.cols;
  for (auto& g : grads_) g.reshape(g.rows(), m);
  Layer<T>& last = *layers_[L - 1];
  const bool fused = last.activation() && last.activation()->name() == loss.fused_activation();
  if (fused) loss.gradient_dz(outputs_[L - 1], y, grads_[L - 1].view());
  else loss.gradient_da(outputs_[L - 1], y, grads_[L - 1].view());
  for (std::size_t l = L; l-- > 0;) {
    CView<T> input = l == 0 ? x : outputs_[l - 1];
    View<T> input_grad = l == 0 ? View<T>() : grads_[l - 1].view();
    layers_[l]->backward(input, grads_[l].view(), l == L - 1 && fused, l == 0 ? nullptr : &input_grad);
  }
}

template <class T>
std::size_t Network<T>::parameter_count() const {
  std::size_t n = 0;
  for (const auto& p : params_) n += p.value->size();
  return n;
}

template class Network<float>;
template class Network<double>;

}  // namespace mindset

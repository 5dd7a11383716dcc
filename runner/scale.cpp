// Divides every feature by a constant: X = X / by (255 for 8-bit pixels). `data.scale: 255` is
// the same step, placed first.
#include "h5.hpp"
#include "preprocess.hpp"

namespace mindset {

namespace {

class Scale : public Preprocessor {
 public:
  explicit Scale(const ConfigNode& o) : by_(o.find("by") ? o.get_number("by") : 1.0) {}
  static TypeInfo info() {
    return {"scale", "divide every feature by a constant: X / by",
            spec::map().field("by", spec::number("the divisor (255 for 8-bit pixels)").require().min(0, true).must_be_finite())};
  }
  std::string type() const override { return "scale"; }
  void apply(xt::xtensor<double, 2>& x) const override {
    for (double& v : x) v = v / by_;  // a division, as numpy's X / 255. rounds
  }
  void write(hid_t g) const override { h5::write_scalar(g, "by", by_); }
  void read(hid_t g) override { by_ = h5::read_scalar(g, "by"); }

 private:
  double by_;
};

}  // namespace

MINDSET_REGISTER(PreprocessTag, Scale);

}  // namespace mindset

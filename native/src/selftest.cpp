#include "selftest.hpp"
#include <random>
#include <stdexcept>
#include <vector>
#include "msm.hpp"

namespace zkf {

bool msmSelfTest(const std::string& pattern, size_t n, unsigned threads) {
  const G1 gen{Fq::fromU64(1), Fq::fromU64(2), Fq::one()};  // the BN254 G1 generator (1, 2)
  std::mt19937_64 rng(0x5eed0000 + n);
  auto randomScalar = [&]() {
    for (;;) {
      Scalar s{{rng(), rng(), rng(), rng() & ((1ULL << 62) - 1)}};
      if (!detail::geq(s.v, frModulus().p)) return s;
    }
  };
  // Base i is coef[i] * G; coefficients are small consecutive integers, some negated.
  std::vector<G1Affine> bases(n);
  std::vector<Fr> coef(n);
  std::vector<Scalar> scalars(n);
  const Scalar shared = randomScalar();
  G1 acc = G1::infinity();
  for (size_t i = 0; i < n; i++) {
    acc.add(gen);
    G1Affine p = acc.toAffine();
    Fr k = Fr::fromU64(i + 1);
    if (pattern == "negated" && i % 2 == 1) {  // base i = -(base i-1), same scalar
      p = bases[i - 1];
      p.y = p.y.negate();
      k = coef[i - 1].negate();
    } else if (pattern == "doubled" && i % 2 == 1) {  // base i = base i-1, same scalar
      p = bases[i - 1];
      k = coef[i - 1];
    }
    bases[i] = p;
    coef[i] = k;
    if (pattern == "random") scalars[i] = randomScalar();
    else if (pattern == "equal") scalars[i] = shared;
    else if (pattern == "negated" || pattern == "doubled") scalars[i] = i % 2 == 1 ? scalars[i - 1] : randomScalar();
    else if (pattern == "small") scalars[i] = Scalar{{rng() % 17, 0, 0, 0}};
    else if (pattern == "binary") scalars[i] = rng() % 3 == 0 ? randomScalar() : Scalar{{rng() % 2, 0, 0, 0}};
    else throw std::invalid_argument("unknown MSM self-test pattern " + pattern);
  }
  Fr total = Fr::zero();
  for (size_t i = 0; i < n; i++) total += coef[i] * Fr::fromCanonical(scalars[i].v);
  u64 t[4];
  total.toCanonical(t);
  const G1Affine want = gen.times(t).toAffine();
  const G1Affine got = multiExp(bases.data(), scalars.data(), n, threads).toAffine();
  return want.x == got.x && want.y == got.y;
}

}  // namespace zkf

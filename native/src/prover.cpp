#include "prover.hpp"
#include <sys/random.h>
#include <sys/stat.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <list>
#include <mutex>

namespace zkf {
namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

/** Interprets a canonical scalar's limbs as a raw Fr value (no conversion). */
Fr raw(const Scalar& s) { Fr f; std::memcpy(f.v, s.v, sizeof f.v); return f; }
Scalar canonical(const Fr& f) { Scalar s; f.toCanonical(s.v); return s; }

void fillRandom(uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(out + got, n - got, 0);
    if (r > 0) { got += (size_t)r; continue; }
    if (r < 0 && errno == EINTR) continue;
    // getrandom unavailable (old kernel, seccomp): fall back to the device.
    std::FILE* f = std::fopen("/dev/urandom", "rb");
    if (!f || std::fread(out + got, 1, n - got, f) != n - got) {
      if (f) std::fclose(f);
      throw std::runtime_error("cannot read the OS random source (getrandom and /dev/urandom failed)");
    }
    std::fclose(f);
    return;
  }
}

std::string fileKey(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": cannot stat (" + std::strerror(errno) + ")");
  return path + "|" + std::to_string((long long)st.st_mtim.tv_sec) + "." + std::to_string((long long)st.st_mtim.tv_nsec) + "|" + std::to_string((long long)st.st_size);
}

std::mutex cacheMutex;
// Most recently used first; a process proves under a few keys at most.
std::list<std::pair<std::string, std::shared_ptr<const ProvingData>>> cache;
constexpr size_t kCacheEntries = 4;

void toCanonicalG1(const G1& p, u64 out[2][4]) {
  G1Affine a = p.toAffine();
  a.x.toCanonical(out[0]);
  a.y.toCanonical(out[1]);
}

}  // namespace

PhaseTrace::PhaseTrace() : on_(false), last_(now()) {
  const char* env = std::getenv("ZKFORGET_NATIVE_TRACE");
  on_ = env != nullptr && *env != '\0' && std::strcmp(env, "0") != 0;
}

void PhaseTrace::lap(const char* what) {
  const double t = now();
  if (on_) std::fprintf(stderr, "zkforget native prover: %-28s %.3f s\n", what, t - last_);
  last_ = t;
}

Scalar randomScalar() {
  const u64* r = frModulus().p;
  for (;;) {
    Scalar s;
    fillRandom(reinterpret_cast<uint8_t*>(s.v), sizeof s.v);
    s.v[3] &= (1ULL << 62) - 1;  // r < 2^254: keep 254 bits, accept if below r (probability ~0.76)
    if (!detail::geq(s.v, r)) return s;
  }
}

std::shared_ptr<const ProvingData> loadProvingData(const std::string& zkeyPath, const std::string& r1csPath) {
  auto pd = std::make_shared<ProvingData>();
  pd->zkey = readZkey(zkeyPath);
  pd->r1cs = readR1csC(r1csPath);
  const Zkey& z = pd->zkey;
  const R1csC& c = pd->r1cs;
  if (c.nWires != z.nVars || c.nPublic != z.nPublic || (size_t)c.nConstraints + z.nPublic + 1 > z.domainSize) {
    throw std::runtime_error(r1csPath + " does not belong to " + zkeyPath + " (r1cs: " + std::to_string(c.nWires) + " wires, " +
                             std::to_string(c.nPublic) + " public, " + std::to_string(c.nConstraints) + " constraints; zkey: " +
                             std::to_string(z.nVars) + " wires, " + std::to_string(z.nPublic) + " public, domain " + std::to_string(z.domainSize) + ")");
  }
  pd->domain = makeDomain(z.power);
  return pd;
}

std::shared_ptr<const ProvingData> cachedProvingData(const std::string& zkeyPath, const std::string& r1csPath) {
  const std::string key = fileKey(zkeyPath) + "||" + fileKey(r1csPath);
  {
    std::lock_guard<std::mutex> lock(cacheMutex);
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      if (it->first == key) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().second;
      }
    }
  }
  auto pd = loadProvingData(zkeyPath, r1csPath);
  std::lock_guard<std::mutex> lock(cacheMutex);
  cache.emplace_front(key, pd);
  while (cache.size() > kCacheEntries) cache.pop_back();
  return pd;
}

size_t clearProvingDataCache() {
  std::lock_guard<std::mutex> lock(cacheMutex);
  size_t n = cache.size();
  cache.clear();
  return n;
}

ProofOut prove(const ProvingData& pd, const std::vector<Scalar>& w, unsigned threads, PhaseTrace* trace) {
  PhaseTrace local;
  PhaseTrace& tr = trace ? *trace : local;
  const Zkey& z = pd.zkey;
  const R1csC& r1cs = pd.r1cs;
  if (w.size() != z.nVars) throw std::runtime_error("invalid witness length: the circuit has " + std::to_string(z.nVars) + " wires, the witness " + std::to_string(w.size()));
  ProofOut out{};
  const double t0 = now();
  const size_t n = z.domainSize;

  // 1. A·w and B·w per constraint (Montgomery form), then the check A·w × B·w = C·w.
  std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n, Fr::zero());
  for (const Zkey::Coef& k : z.coefs) {
    std::vector<Fr>& dst = k.matrix == 0 ? a : b;
    dst[k.constraint] += k.value * raw(w[k.signal]);
  }
  uint32_t bad = UINT32_MAX;
  std::mutex badMutex;
  parallelFor(n, threads, [&](size_t lo, size_t hi, unsigned) {
    for (size_t i = lo; i < hi; i++) {
      c[i] = a[i] * b[i];
      if (i >= r1cs.nConstraints) continue;
      Fr sum = Fr::zero();
      for (uint32_t t = r1cs.rowStart[i]; t < r1cs.rowStart[i + 1]; t++) sum += r1cs.coef[t] * raw(w[r1cs.wire[t]]);
      if (sum != c[i]) {
        std::lock_guard<std::mutex> lock(badMutex);
        if (i < bad) bad = (uint32_t)i;
        break;
      }
    }
  });
  if (bad != UINT32_MAX) throw ConstraintViolation(bad, r1cs.nConstraints);
  const double t1 = now();
  tr.lap("A/B/C evaluations + check");

  // 2. One pool of tasks: the evaluations of A, B, C on the odd coset (as snarkjs: iNTT,
  // multiply by shift^i, NTT; one task each) next to the windows of the four MSMs that do not
  // need H. Dynamic scheduling keeps both threads busy to the end; heaviest tasks first.
  MsmJob<Fq> jobA(z.A.data(), w.data(), z.nVars, threads);
  MsmJob<Fq> jobB1(z.B1.data(), w.data(), z.nVars, threads);
  MsmJob<Fq2> jobB2(z.B2.data(), w.data(), z.nVars, threads);
  MsmJob<Fq> jobC(z.C.data(), w.data() + z.nPublic + 1, z.C.size(), threads);
  tr.lap("MSM digits (A, B, B2, C)");
  std::vector<std::function<void()>> tasks;
  for (std::vector<Fr>* v : {&a, &b, &c}) {
    tasks.emplace_back([v, &pd] {
      ntt(*v, pd.domain, true, 1);
      applyCoset(*v, pd.domain.cosetShift, 1);
      ntt(*v, pd.domain, false, 1);
    });
  }
  for (size_t t = 0; t < jobB2.tasks(); t++) tasks.emplace_back([&jobB2, t] { jobB2.run(t); });
  for (MsmJob<Fq>* job : {&jobA, &jobB1, &jobC}) {
    for (size_t t = 0; t < job->tasks(); t++) tasks.emplace_back([job, t] { job->run(t); });
  }
  parallelTasks(tasks.size(), threads, [&](size_t i, unsigned) { tasks[i](); });
  G1 piA = jobA.result();
  G1 pib1 = jobB1.result();
  G2 piB = jobB2.result();
  G1 piC = jobC.result();
  const double t2 = now();
  tr.lap("NTTs + MSMs A, B, B2, C");

  std::vector<Scalar> h(n);
  parallelFor(n, threads, [&](size_t lo, size_t hi, unsigned) {
    for (size_t i = lo; i < hi; i++) h[i] = canonical(a[i] * b[i] - c[i]);
  });
  std::vector<Fr>().swap(a);
  std::vector<Fr>().swap(b);
  std::vector<Fr>().swap(c);
  tr.lap("H = A*B - C to scalars");
  G1 resH = multiExp(z.H.data(), h.data(), n, threads);
  tr.lap("MSM H (G1)");
  const double t3 = now();

  // 4. Blinding, exactly as snarkjs combines it.
  Scalar r = randomScalar(), s = randomScalar();
  Fr rs = Fr::fromCanonical(r.v) * Fr::fromCanonical(s.v);
  Scalar negRs = canonical(rs.negate());
  const G1 delta1 = G1::from(z.delta1);
  piA.addAffine(z.alpha1);
  piA.add(delta1.times(r.v));
  piB.addAffine(z.beta2);
  piB.add(G2::from(z.delta2).times(s.v));
  pib1.addAffine(z.beta1);
  pib1.add(delta1.times(s.v));
  piC.add(resH);
  piC.add(piA.times(s.v));
  piC.add(pib1.times(r.v));
  piC.add(delta1.times(negRs.v));
  if (piA.isInfinity() || piB.isInfinity() || piC.isInfinity()) throw std::runtime_error("a proof point is the point at infinity (corrupted zkey?)");

  toCanonicalG1(piA, out.a);
  toCanonicalG1(piC, out.c);
  G2Affine bAff = piB.toAffine();
  bAff.x.c0.toCanonical(out.b[0][0]);
  bAff.x.c1.toCanonical(out.b[0][1]);
  bAff.y.c0.toCanonical(out.b[1][0]);
  bAff.y.c1.toCanonical(out.b[1][1]);
  out.publicSignals.assign(w.begin() + 1, w.begin() + 1 + z.nPublic);
  const double t4 = now();
  tr.lap("blinding + affine output");
  out.seconds[0] = t1 - t0;
  out.seconds[1] = t2 - t1;
  out.seconds[2] = t3 - t2;
  out.seconds[3] = t4 - t0;
  return out;
}

}  // namespace zkf

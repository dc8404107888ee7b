#include "formats.hpp"
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

namespace zkf {
namespace {

const u64* bn254R() { return frModulus().p; }
const u64* bn254Q() { return fqModulus().p; }

[[noreturn]] void fail(const std::string& what, const std::string& msg) { throw std::runtime_error(what + ": " + msg); }

/** Sequential reader over a file or a memory image, with section lookup. */
class BinReader {
 public:
  BinReader(std::string name, std::FILE* f, const uint8_t* mem, size_t size) : name_(std::move(name)), f_(f), mem_(mem), size_(size) {}
  ~BinReader() { if (f_) std::fclose(f_); }

  static std::unique_ptr<BinReader> openFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail(path, "cannot open (" + std::string(std::strerror(errno)) + ")");
    std::fseek(f, 0, SEEK_END);
    long size = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
    return std::make_unique<BinReader>(path, f, nullptr, (size_t)size);
  }

  void read(void* out, size_t n) {
    if (pos_ + n > size_) fail(name_, "truncated (wanted " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) + ", file has " + std::to_string(size_) + ")");
    if (f_) {
      if (std::fread(out, 1, n, f_) != n) fail(name_, "read error at offset " + std::to_string(pos_));
    } else {
      std::memcpy(out, mem_ + pos_, n);
    }
    pos_ += n;
  }
  uint32_t u32() { uint32_t v; read(&v, 4); return v; }
  uint64_t u64v() { uint64_t v; read(&v, 8); return v; }
  void seek(size_t p) {
    if (p > size_) fail(name_, "section offset beyond the end of the file");
    if (f_) std::fseek(f_, (long)p, SEEK_SET);
    pos_ = p;
  }

  /** Checks the magic and version, and indexes the sections (id -> offset, size). */
  void header(const char* magic, uint32_t minVersion, uint32_t maxVersion) {
    char m[4];
    read(m, 4);
    if (std::memcmp(m, magic, 4) != 0) fail(name_, std::string("not a ") + magic + " file (bad magic)");
    uint32_t version = u32();
    if (version < minVersion || version > maxVersion) fail(name_, std::string("unsupported ") + magic + " version " + std::to_string(version));
    uint32_t n = u32();
    for (uint32_t i = 0; i < n; i++) {
      uint32_t id = u32();
      uint64_t size = u64v();
      if (sections_.count(id)) fail(name_, "section " + std::to_string(id) + " appears twice");
      sections_[id] = {pos_, size};
      if (pos_ + size > size_) fail(name_, "section " + std::to_string(id) + " runs past the end of the file");
      seek(pos_ + size);
    }
  }
  /** Moves to section `id` and returns its size; `expected` (if nonzero) is checked. */
  size_t section(uint32_t id, size_t expected = 0) {
    auto it = sections_.find(id);
    if (it == sections_.end()) fail(name_, "missing section " + std::to_string(id));
    if (expected && it->second.second != expected) {
      fail(name_, "section " + std::to_string(id) + " has " + std::to_string(it->second.second) + " bytes, expected " + std::to_string(expected));
    }
    seek(it->second.first);
    return it->second.second;
  }
  /** Reads a field-size prefix and prime and checks it is the expected BN254 prime. */
  void prime(const u64* want, const char* label) {
    uint32_t n8 = u32();
    if (n8 != 32) fail(name_, std::string(label) + " has " + std::to_string(n8) + "-byte elements; only BN254 (32) is supported");
    u64 p[4];
    read(p, 32);
    if (std::memcmp(p, want, 32) != 0) fail(name_, std::string(label) + " is not BN254's");
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::FILE* f_;
  const uint8_t* mem_;
  size_t size_;
  size_t pos_ = 0;
  std::map<uint32_t, std::pair<size_t, size_t>> sections_;
};

template <class T>
void readArray(BinReader& r, uint32_t id, std::vector<T>& out, size_t count) {
  r.section(id, count * sizeof(T));
  out.resize(count);
  r.read(out.data(), count * sizeof(T));
}

Fr coefFromCanonical(const u64 v[4]) {
  // Montgomery(v) * 2^512 -> v * 2^512 mod r as a raw value: the zkey's convention.
  Fr r2;
  std::memcpy(r2.v, frModulus().r2, sizeof r2.v);
  return Fr::fromCanonical(v) * r2;
}

bool lessThan(const u64 a[4], const u64 m[4]) { return !detail::geq(a, m); }

}  // namespace

Zkey readZkey(const std::string& path) {
  auto r = BinReader::openFile(path);
  r->header("zkey", 1, 1);
  Zkey z;
  r->section(1);
  if (r->u32() != 1) fail(path, "not a Groth16 zkey (protocol id in section 1 is not 1)");
  r->section(2);
  r->prime(bn254Q(), "base field");
  r->prime(bn254R(), "scalar field");
  z.nVars = r->u32();
  z.nPublic = r->u32();
  z.domainSize = r->u32();
  if (z.domainSize == 0 || (z.domainSize & (z.domainSize - 1))) fail(path, "domain size " + std::to_string(z.domainSize) + " is not a power of two");
  while ((1u << z.power) < z.domainSize) z.power++;
  if (z.nPublic + 1 > z.nVars) fail(path, "more public signals than wires");
  r->read(&z.alpha1, 64);
  r->read(&z.beta1, 64);
  r->read(&z.beta2, 128);
  r->read(&z.gamma2, 128);
  r->read(&z.delta1, 64);
  r->read(&z.delta2, 128);

  size_t coefBytes = r->section(4);
  uint32_t nCoef = r->u32();
  if (coefBytes != 4 + (size_t)nCoef * 44) fail(path, "section 4 (coefficients) size does not match its count");
  z.coefs.resize(nCoef);
  std::vector<uint8_t> raw((size_t)nCoef * 44);
  r->read(raw.data(), raw.size());
  for (uint32_t i = 0; i < nCoef; i++) {
    const uint8_t* p = raw.data() + (size_t)i * 44;
    Zkey::Coef& c = z.coefs[i];
    std::memcpy(&c.matrix, p, 4);
    std::memcpy(&c.constraint, p + 4, 4);
    std::memcpy(&c.signal, p + 8, 4);
    std::memcpy(c.value.v, p + 12, 32);
    if (c.matrix > 1 || c.constraint >= z.domainSize || c.signal >= z.nVars || !lessThan(c.value.v, bn254R())) {
      fail(path, "coefficient " + std::to_string(i) + " is out of range (matrix, constraint, wire or value)");
    }
  }
  readArray(*r, 5, z.A, z.nVars);
  readArray(*r, 6, z.B1, z.nVars);
  readArray(*r, 7, z.B2, z.nVars);
  readArray(*r, 8, z.C, z.nVars - z.nPublic - 1);
  readArray(*r, 9, z.H, z.domainSize);
  return z;
}

R1csC readR1csC(const std::string& path) {
  auto r = BinReader::openFile(path);
  r->header("r1cs", 1, 1);
  R1csC c;
  r->section(1);
  r->prime(bn254R(), "field");
  c.nWires = r->u32();
  uint32_t nPubOut = r->u32(), nPubIn = r->u32();
  r->u32();     // private inputs
  r->u64v();    // labels
  c.nConstraints = r->u32();
  c.nPublic = nPubOut + nPubIn;
  r->section(2);
  c.rowStart.reserve((size_t)c.nConstraints + 1);
  c.rowStart.push_back(0);
  std::vector<uint8_t> term(36);
  for (uint32_t k = 0; k < c.nConstraints; k++) {
    for (int m = 0; m < 3; m++) {
      uint32_t nTerms = r->u32();
      for (uint32_t t = 0; t < nTerms; t++) {
        r->read(term.data(), 36);
        if (m != 2) continue;
        uint32_t w;
        u64 v[4];
        std::memcpy(&w, term.data(), 4);
        std::memcpy(v, term.data() + 4, 32);
        if (w >= c.nWires || !lessThan(v, bn254R())) fail(path, "constraint " + std::to_string(k) + " has an out-of-range term");
        c.wire.push_back(w);
        c.coef.push_back(coefFromCanonical(v));
      }
    }
    c.rowStart.push_back((uint32_t)c.wire.size());
  }
  return c;
}

std::vector<Scalar> readWtns(const uint8_t* data, size_t size) {
  BinReader r("witness", nullptr, data, size);
  r.header("wtns", 1, 2);
  r.section(1);
  r.prime(bn254R(), "witness field");
  uint32_t n = r.u32();
  std::vector<Scalar> w(n);
  r.section(2, (size_t)n * 32);
  r.read(w.data(), (size_t)n * 32);
  for (uint32_t i = 0; i < n; i++) {
    if (!lessThan(w[i].v, bn254R())) fail("witness", "value of wire " + std::to_string(i) + " is not below the field prime");
  }
  if (n == 0 || !w[0].isOne()) fail("witness", "wire 0 must be the constant 1");
  return w;
}

}  // namespace zkf

// N-API surface of the prover: prove() runs off the JS thread and resolves with the proof
// points as canonical little-endian bytes; TypeScript turns them into snarkjs's JSON.
#include <napi.h>
#include <algorithm>
#include <cstring>
#include <memory>
#include "fixedbase.hpp"
#include "prover.hpp"
#include "selftest.hpp"

namespace {

using namespace zkf;

/**
 * The optional thread count at info[index]: a number >= 1, at most kMaxThreads (one std::thread
 * each, so an absurd count must not reach thread creation); else defaultThreads().
 */
unsigned threadsArgument(const Napi::CallbackInfo& info, size_t index) {
  constexpr int kMaxThreads = 256;
  if (info.Length() <= index || !info[index].IsNumber()) return defaultThreads();
  const int t = info[index].As<Napi::Number>().Int32Value();
  return t >= 1 ? (unsigned)std::min(t, kMaxThreads) : defaultThreads();
}

class ProveWorker : public Napi::AsyncWorker {
 public:
  ProveWorker(Napi::Env env, std::string zkey, std::string r1cs, std::vector<uint8_t> wtns, unsigned threads)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), zkey_(std::move(zkey)), r1cs_(std::move(r1cs)),
        wtns_(std::move(wtns)), threads_(threads) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      PhaseTrace trace;
      std::vector<Scalar> w = readWtns(wtns_.data(), wtns_.size());
      std::vector<uint8_t>().swap(wtns_);
      trace.lap("witness parse");
      auto pd = cachedProvingData(zkey_, r1cs_);
      trace.lap("zkey + r1cs (cache or parse)");
      out_ = prove(*pd, w, threads_, &trace);
    } catch (const ConstraintViolation& e) {
      violated_ = (int64_t)e.index;
      SetError(e.what());
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("a", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(out_.a), sizeof out_.a));
    o.Set("b", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(out_.b), sizeof out_.b));
    o.Set("c", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(out_.c), sizeof out_.c));
    o.Set("publicSignals", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(out_.publicSignals.data()), out_.publicSignals.size() * sizeof(Scalar)));
    Napi::Object t = Napi::Object::New(env);
    t.Set("constraintsSeconds", out_.seconds[0]);
    t.Set("nttAndMsmSeconds", out_.seconds[1]);
    t.Set("hMsmSeconds", out_.seconds[2]);
    t.Set("totalSeconds", out_.seconds[3]);
    o.Set("timings", t);
    deferred_.Resolve(o);
  }

  void OnError(const Napi::Error& e) override {
    Napi::Object err = e.Value();
    if (violated_ >= 0) {
      err.Set("code", "ZKF_CONSTRAINT_VIOLATED");
      err.Set("constraint", Napi::Number::New(Env(), (double)violated_));
    }
    deferred_.Reject(err);
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string zkey_, r1cs_;
  std::vector<uint8_t> wtns_;
  unsigned threads_;
  ProofOut out_{};
  int64_t violated_ = -1;
};

/** prove(zkeyPath, r1csPath, wtnsBytes, threads?) -> Promise<{a, b, c, timings}> */
Napi::Value Prove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsTypedArray()) {
    throw Napi::TypeError::New(env, "prove(zkeyPath: string, r1csPath: string, wtns: Uint8Array, threads?: number)");
  }
  Napi::Uint8Array bytes = info[2].As<Napi::Uint8Array>();
  std::vector<uint8_t> wtns(bytes.Data(), bytes.Data() + bytes.ByteLength());
  const unsigned threads = threadsArgument(info, 3);
  auto* worker = new ProveWorker(env, info[0].As<Napi::String>(), info[1].As<Napi::String>(), std::move(wtns), threads);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

/**
 * Runs fixedBaseBatch off the JS thread. The table is copied once from JS into 64-bit words (the
 * limbs of its affine points) and the points are written straight into the output words, which
 * OnOK copies into the returned Buffer.
 */
class FixedBaseWorker : public Napi::AsyncWorker {
 public:
  FixedBaseWorker(Napi::Env env, bool g2, const Napi::Uint8Array& table, const Napi::Uint8Array& scalars, unsigned threads)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), g2_(g2), table_(table.ByteLength() / sizeof(u64)),
        scalars_(scalars.Data(), scalars.Data() + scalars.ByteLength()), threads_(threads) {
    std::memcpy(table_.data(), table.Data(), table.ByteLength());
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    const size_t n = scalars_.size() / kFixedBaseWindows;
    if (g2_) run<Fq2>(n);
    else run<Fq>(n);
  }

  void OnOK() override {
    deferred_.Resolve(Napi::Buffer<uint8_t>::Copy(Env(), reinterpret_cast<const uint8_t*>(out_.data()), out_.size() * sizeof(u64)));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  template <class F>
  void run(size_t n) {
    static_assert(sizeof(Affine<F>) % sizeof(u64) == 0, "affine points are whole 64-bit limbs");
    out_.resize(n * sizeof(Affine<F>) / sizeof(u64));
    fixedBaseBatch<F>(reinterpret_cast<const Affine<F>*>(table_.data()), scalars_.data(), n, reinterpret_cast<Affine<F>*>(out_.data()), threads_);
  }

  Napi::Promise::Deferred deferred_;
  bool g2_;
  std::vector<u64> table_;
  std::vector<uint8_t> scalars_;
  std::vector<u64> out_;
  unsigned threads_;
};

/**
 * fixedBaseBatch("G1" | "G2", table, scalars, threads?) -> Promise<Uint8Array>: s_i * G for
 * 32-byte little-endian scalars, from the affine table T[w][d] = d * 2^(8w) * G (32 x 256
 * entries, Montgomery form, as ffjavascript lays them out); affine results in the same form.
 */
Napi::Value FixedBaseBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsTypedArray() || !info[2].IsTypedArray()) {
    throw Napi::TypeError::New(env, "fixedBaseBatch(group: 'G1' | 'G2', table: Uint8Array, scalars: Uint8Array, threads?: number)");
  }
  const std::string group = info[0].As<Napi::String>();
  if (group != "G1" && group != "G2") throw Napi::RangeError::New(env, "fixedBaseBatch: group must be 'G1' or 'G2'");
  const bool g2 = group == "G2";
  Napi::Uint8Array table = info[1].As<Napi::Uint8Array>(), scalars = info[2].As<Napi::Uint8Array>();
  const size_t entry = g2 ? sizeof(G2Affine) : sizeof(G1Affine);
  if (table.ByteLength() != kFixedBaseWindows * kFixedBaseDigits * entry) {
    throw Napi::RangeError::New(env, "fixedBaseBatch: the table must hold 32 x 256 affine points of the group");
  }
  if (scalars.ByteLength() % kFixedBaseWindows != 0) throw Napi::RangeError::New(env, "fixedBaseBatch: scalars are 32 bytes each");
  const unsigned threads = threadsArgument(info, 3);
  auto* worker = new FixedBaseWorker(env, g2, table, scalars, threads);
  Napi::Promise p = worker->promise();
  worker->Queue();
  return p;
}

Napi::Value ClearCache(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), (double)clearProvingDataCache()); }

Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), defaultThreads()); }

/** fieldMul("fr" | "fq", a, b): canonical a*b mod p, for tests of the field arithmetic. */
Napi::Value FieldMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsTypedArray() || !info[2].IsTypedArray()) {
    throw Napi::TypeError::New(env, "fieldMul(field: 'fr' | 'fq', a: Uint8Array(32), b: Uint8Array(32))");
  }
  std::string field = info[0].As<Napi::String>();
  Napi::Uint8Array a = info[1].As<Napi::Uint8Array>(), b = info[2].As<Napi::Uint8Array>();
  if (a.ByteLength() != 32 || b.ByteLength() != 32) throw Napi::RangeError::New(env, "field elements are 32 bytes");
  u64 x[4], y[4], r[4];
  std::memcpy(x, a.Data(), 32);
  std::memcpy(y, b.Data(), 32);
  if (field == "fr") (Fr::fromCanonical(x) * Fr::fromCanonical(y)).toCanonical(r);
  else if (field == "fq") (Fq::fromCanonical(x) * Fq::fromCanonical(y)).toCanonical(r);
  else throw Napi::RangeError::New(env, "field must be 'fr' or 'fq'");
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(r), 32);
}

/** msmSelfTest(pattern, n, threads): the MSM against a double-and-add reference (tests). */
Napi::Value MsmSelfTest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber()) {
    throw Napi::TypeError::New(env, "msmSelfTest(pattern: string, n: number, threads: number)");
  }
  const int64_t n = info[1].As<Napi::Number>().Int64Value();
  const int32_t threads = info[2].As<Napi::Number>().Int32Value();
  if (n < 1 || n > 1000000 || threads < 1) throw Napi::RangeError::New(env, "msmSelfTest: n in 1..1e6, threads >= 1");
  try {
    return Napi::Boolean::New(env, msmSelfTest(info[0].As<Napi::String>(), (size_t)n, (unsigned)threads));
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("msmSelfTest", Napi::Function::New(env, MsmSelfTest));
  exports.Set("prove", Napi::Function::New(env, Prove));
  exports.Set("clearCache", Napi::Function::New(env, ClearCache));
  exports.Set("threads", Napi::Function::New(env, Threads));
  exports.Set("fieldMul", Napi::Function::New(env, FieldMul));
  exports.Set("fixedBaseBatch", Napi::Function::New(env, FixedBaseBatch));
  return exports;
}

}  // namespace

NODE_API_MODULE(zkforget_prover, Init)

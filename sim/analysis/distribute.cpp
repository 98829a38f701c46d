#include "sim/analysis/distribute.hpp"

#include <cstring>
#include <mutex>
#include <stdexcept>

#include "sim/engine/results.hpp"
#include "sim/scenario/diagnostics.hpp"

namespace gpusim {

std::vector<std::size_t> owned_indices(std::size_t count, int rank, int ranks) {
  std::vector<std::size_t> out;
  for (std::size_t i = static_cast<std::size_t>(rank); i < count; i += static_cast<std::size_t>(ranks)) out.push_back(i);
  return out;
}

ShareResult run_share(const std::vector<std::size_t>& indices, unsigned threads,
                      const std::function<std::string(std::size_t)>& job, const ProgressCallback& progress) {
  ShareResult share;
  share.results.resize(indices.size());
  std::mutex error_mutex;
  parallel_for(
      indices.size(), threads,
      [&](std::size_t k) {
        try {
          share.results[k] = job(indices[k]);
        } catch (...) {
          // Every job runs, as on one process; the lowest failing index wins.
          std::string encoded = encode_error(std::current_exception());
          std::lock_guard<std::mutex> lock(error_mutex);
          if (indices[k] < share.error_index) {
            share.error_index = indices[k];
            share.error = std::move(encoded);
          }
        }
      },
      progress);
  return share;
}

std::string pack_share(ShareResult share) {
  ByteWriter w;
  w.u64(share.error_index);
  w.str(share.error);
  w.strs(share.results);
  return w.take();
}

void ShareGatherer::add(int rank, ShareResult share) {
  const std::vector<std::size_t> indices = owned_indices(count_, rank, ranks_);
  if (share.results.size() != indices.size()) throw std::runtime_error("a rank sent the wrong number of results");
  for (std::size_t k = 0; k < indices.size(); ++k) results_[indices[k]] = std::move(share.results[k]);
  if (share.error_index < error_index_) {
    error_index_ = share.error_index;
    error_rank_ = rank;
    error_ = std::move(share.error);
  }
}

void ShareGatherer::add(int rank, std::string_view packed) {
  ByteReader r(packed);
  ShareResult share;
  share.error_index = r.u64();
  share.error = r.str();
  share.results = r.strs();
  add(rank, std::move(share));
}

std::string ShareGatherer::status() const {
  if (error_index_ == SIZE_MAX) return {};
  ByteWriter w;
  w.u64(static_cast<std::uint64_t>(error_rank_));
  w.str(error_);
  return w.take();
}

void throw_if_failed(std::string_view status, int ranks) {
  if (status.empty()) return;
  ByteReader r(status);
  const std::uint64_t rank = r.u64();
  rethrow_error(r.str(), " (on rank " + std::to_string(rank) + " of " + std::to_string(ranks) + ")");
}

namespace {
enum class ErrorKind : std::uint64_t { model = 1, scenario = 2, other = 3 };
}

std::string encode_error(const std::exception_ptr& error) {
  ByteWriter w;
  try {
    std::rethrow_exception(error);
  } catch (const ModelError& e) {
    w.u64(static_cast<std::uint64_t>(ErrorKind::model));
    w.str(e.path());
    w.str(e.what());
  } catch (const ScenarioError& e) {
    w.u64(static_cast<std::uint64_t>(ErrorKind::scenario));
    w.u64(e.diagnostics().size());
    for (const Diagnostic& d : e.diagnostics()) {
      w.u64(d.loc.file ? 1 : 0);
      w.str(d.loc.file ? *d.loc.file : std::string());
      w.u64(static_cast<std::uint64_t>(d.loc.line));
      w.u64(static_cast<std::uint64_t>(d.loc.col));
      w.str(d.path);
      w.str(d.message);
    }
  } catch (const std::exception& e) {
    w.u64(static_cast<std::uint64_t>(ErrorKind::other));
    w.str(e.what());
  } catch (...) {
    w.u64(static_cast<std::uint64_t>(ErrorKind::other));
    w.str("unknown error");
  }
  return w.take();
}

void rethrow_error(std::string_view encoded, const std::string& note) {
  ByteReader r(encoded);
  const auto kind = static_cast<ErrorKind>(r.u64());
  if (kind == ErrorKind::model) {
    std::string path = r.str();
    throw ModelError(std::move(path), r.str() + note);
  }
  if (kind == ErrorKind::scenario) {
    std::vector<Diagnostic> diags(r.u64());
    for (Diagnostic& d : diags) {
      const bool has_file = r.u64() != 0;
      std::string file = r.str();
      if (has_file) d.loc.file = std::make_shared<const std::string>(std::move(file));
      d.loc.line = static_cast<int>(r.u64());
      d.loc.col = static_cast<int>(r.u64());
      d.path = r.str();
      d.message = r.str() + note;
    }
    throw ScenarioError(std::move(diags));
  }
  throw std::runtime_error(r.str() + note);
}

void ByteWriter::u64(std::uint64_t v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }

void ByteWriter::f64(double v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }

void ByteWriter::str(std::string_view s) {
  u64(s.size());
  bytes_.append(s);
}

void ByteWriter::f64s(const std::vector<double>& v) {
  u64(v.size());
  if (!v.empty()) bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

void ByteWriter::strs(const std::vector<std::string>& v) {
  u64(v.size());
  for (const auto& s : v) str(s);
}

std::string_view ByteReader::take(std::size_t n) {
  if (n > bytes_.size() - at_) throw std::runtime_error("a run's result arrived cut short");
  const std::string_view out = bytes_.substr(at_, n);
  at_ += n;
  return out;
}

std::uint64_t ByteReader::u64() {
  std::uint64_t v = 0;
  std::memcpy(&v, take(sizeof v).data(), sizeof v);
  return v;
}

double ByteReader::f64() {
  double v = 0;
  std::memcpy(&v, take(sizeof v).data(), sizeof v);
  return v;
}

std::string ByteReader::str() {
  const std::uint64_t n = u64();
  return std::string(take(n));
}

std::vector<double> ByteReader::f64s() {
  const std::uint64_t n = u64();
  if (n > (bytes_.size() - at_) / sizeof(double)) throw std::runtime_error("a run's result arrived cut short");
  std::vector<double> v(n);
  const std::string_view raw = take(n * sizeof(double));
  if (n > 0) std::memcpy(v.data(), raw.data(), raw.size());
  return v;
}

std::vector<std::string> ByteReader::strs() {
  const std::uint64_t n = u64();
  std::vector<std::string> v;
  for (std::uint64_t k = 0; k < n; ++k) v.push_back(str());
  return v;
}

}  // namespace gpusim

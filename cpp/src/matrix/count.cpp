#include "mekong/matrix/count.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include "mekong/util/parallel.hpp"
#include "row_sort.hpp"
#include "term_table.hpp"

namespace mekong {
namespace {


// The rows of one contiguous part of the corpus, with part-local term ids. `ids` and `counts` have
// the types of the output's indices and data, so that a lone part's buffers can become the matrix
// (assemble): ids are below 2^31, which count_and_learn checks before they become columns.
struct PartRows {
  std::vector<std::size_t> row_sizes;
  std::vector<std::int32_t> ids;
  std::vector<std::int64_t> counts;
};

// Counts the documents [begin, end) into `rows`; id_of maps a term to a part-local id (or npos);
// `table`, when given, is the table id_of interns into, for readers that hand a document's terms
// over at once (TermResolver::fn_all).
template <class IdOf>
void count_part(const TermSource& source, std::size_t begin, std::size_t end, PartRows& rows,
                const std::atomic<bool>* cancel, IdOf&& id_of, detail::TermTable* table = nullptr) {
  auto reader = source.reader();
  std::vector<std::uint32_t> ids;
  // Per term: the last document it was seen in and its place in that row; one struct so the check
  // of every token reads one cache line.
  struct Seen {
    std::uint32_t stamp = Interner::npos;
    std::uint32_t slot = 0;
  };
  std::vector<Seen> seen;
  struct Context {
    std::remove_reference_t<IdOf>* id_of;
    detail::TermTable* table;
  } context{&id_of, table};
  TermResolver resolve{[](void* ctx, std::string_view term) { return (*static_cast<Context*>(ctx)->id_of)(term); },
                       &context};
  if (table)
    resolve.fn_all = [](void* ctx, const TermBuffer& terms, std::vector<std::uint32_t>& ids) {
      static_cast<Context*>(ctx)->table->intern_all(terms, ids, [](std::string_view) {});
    };
  rows.row_sizes.reserve(end - begin);
  // Room for about one entry per 8 bytes of text (words of news text), so the arrays are rarely
  // copied as they grow; memory is only touched as entries arrive.
  std::size_t bytes = 0;
  for (std::size_t doc = begin; doc < end; ++doc) bytes += source.weight(doc);
  rows.ids.reserve(bytes / 8);
  rows.counts.reserve(bytes / 8);
  for (std::size_t doc = begin; doc < end; ++doc) {
    check_cancelled(cancel);  // every document: a relaxed load, so Ctrl-C lands within one document
    reader->term_ids(doc, resolve, ids);
    const std::size_t row_start = rows.ids.size();
    const auto stamp = static_cast<std::uint32_t>(doc - begin);
    constexpr std::size_t kAhead = 8;  // rare terms' entries are out of the cache: ask for them early
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (k + kAhead < ids.size() && ids[k + kAhead] < seen.size()) __builtin_prefetch(&seen[ids[k + kAhead]]);
      const std::uint32_t id = ids[k];
      if (id >= seen.size()) seen.resize(std::max<std::size_t>(std::size_t{id} + 1, seen.size() * 2));
      Seen& s = seen[id];
      if (s.stamp == stamp) {
        ++rows.counts[row_start + s.slot];
      } else {
        s.stamp = stamp;
        s.slot = static_cast<std::uint32_t>(rows.ids.size() - row_start);
        rows.ids.push_back(static_cast<std::int32_t>(id));
        rows.counts.push_back(1);
      }
    }
    rows.row_sizes.push_back(rows.ids.size() - row_start);
    progress_advance(1);
  }
}

// The ids of `terms` in byte order (code point order for UTF-8). Sorting (8-byte big-endian
// prefix, id) pairs keeps the comparisons on integers; only terms sharing their first 8 bytes are
// compared as strings. Zero padding keeps the order: where two prefixes differ, a padded position
// can only lose to a real byte of a term that the shorter one is a prefix of.
template <class Terms>
std::vector<std::uint32_t> sorted_order(const Terms& terms) {
  const std::size_t n = terms.size();
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(n);
  for (std::uint32_t id = 0; id < n; ++id) {
    const std::string_view s = terms.str(id);
    std::uint64_t key = 0;
    for (std::size_t b = 0; b < 8; ++b) key = key << 8 | (b < s.size() ? static_cast<unsigned char>(s[b]) : 0u);
    keyed[id] = {key, id};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && keyed[j].first == keyed[i].first) ++j;
    if (j - i > 1)
      std::sort(order.begin() + static_cast<std::ptrdiff_t>(i), order.begin() + static_cast<std::ptrdiff_t>(j),
                [&](std::uint32_t a, std::uint32_t b) { return terms.str(a) < terms.str(b); });
    i = j;
  }
  return order;
}

std::vector<std::size_t> part_bounds(const TermSource& source, int threads) {
  // Small inputs are not worth sharing between threads.
  std::size_t total = 0;
  for (std::size_t d = 0; d < source.size() && total < (1u << 20); ++d) total += source.weight(d);
  const std::size_t parts = total < (1u << 20) ? 1 : static_cast<std::size_t>(threads);
  return balanced_bounds(source.size(), parts, [&](std::size_t d) { return source.weight(d); });
}

// Builds the final CSR from the parts, mapping part-local ids through col_of[part][id] (-1 = dropped).
// Rows come out with sorted columns through a radix sort by column over chunks of rows (row_sort.hpp):
// linear passes instead of a comparison sort of every row. Each part sorts its own rows, in
// parallel, into its own slice of the output.
Csr<std::int64_t> assemble(std::vector<PartRows>& parts, const std::vector<std::vector<std::int32_t>>& col_of,
                           std::size_t rows, std::size_t cols, bool binary, bool all_kept, int threads) {
  Csr<std::int64_t> m;
  m.rows = rows;
  m.cols = cols;
  m.indptr.assign(rows + 1, 0);
  std::vector<std::size_t> first_row(parts.size() + 1, 0);
  for (std::size_t p = 0; p < parts.size(); ++p) first_row[p + 1] = first_row[p] + parts[p].row_sizes.size();
  // Row sizes after dropping columns (when every column is kept, the row sizes as counted).
  parallel_for(parts.size(), threads, [&](std::size_t p) {
    const PartRows& part = parts[p];
    if (all_kept) {
      for (std::size_t r = 0; r < part.row_sizes.size(); ++r)
        m.indptr[first_row[p] + r + 1] = static_cast<std::int64_t>(part.row_sizes[r]);
      return;
    }
    std::size_t at = 0;
    for (std::size_t r = 0; r < part.row_sizes.size(); ++r) {
      std::int64_t kept = 0;
      for (std::size_t k = 0; k < part.row_sizes[r]; ++k)
        kept += col_of[p][static_cast<std::uint32_t>(part.ids[at + k])] >= 0;
      m.indptr[first_row[p] + r + 1] = kept;
      at += part.row_sizes[r];
    }
  });
  for (std::size_t r = 0; r < rows; ++r) m.indptr[r + 1] += m.indptr[r];
  const auto nnz = static_cast<std::size_t>(m.indptr[rows]);
  // One part whose every entry is kept (one thread, no pruning: the usual fit_transform) has its
  // entries exactly where the matrix wants them: its buffers become the matrix and each chunk of
  // rows is sorted in place, with no second pair of nnz-sized arrays to allocate, zero and fault in.
  // Not when the buffers' reserve (one entry per 8 bytes of text) much exceeds the entries: the
  // matrix would keep that address space reserved for its whole life.
  const bool in_place = parts.size() == 1 && all_kept && parts[0].ids.capacity() <= nnz + nnz / 4 + 1024 &&
                        parts[0].counts.capacity() <= nnz + nnz / 4 + 1024;
  if (in_place) {
    m.indices = std::move(parts[0].ids);
    m.data = std::move(parts[0].counts);
  } else {
    m.indices.resize(nnz);
    m.data.resize(nnz);
  }
  parallel_for(parts.size(), threads, [&](std::size_t p) {
    PartRows& part = parts[p];
    const std::int32_t* ids = in_place ? m.indices.data() : part.ids.data();
    const std::int64_t* counts = in_place ? m.data.data() : part.counts.data();
    const std::size_t r0 = first_row[p], nrows = part.row_sizes.size();
    std::vector<std::size_t> row_at(nrows + 1, 0);  // where each row starts in part.ids
    for (std::size_t r = 0; r < nrows; ++r) row_at[r + 1] = row_at[r] + part.row_sizes[r];
    std::vector<std::size_t> fill(nrows);  // the next free place of each row in the output
    for (std::size_t r = 0; r < nrows; ++r) fill[r] = static_cast<std::size_t>(m.indptr[r0 + r]);
    const std::int32_t* col = col_of[p].data();
    // In place, a chunk's emits overwrite entries of the same chunk that are still to be read: its
    // counts are copied aside while its keys are made (every column() of a chunk comes before its
    // first emit), and its ids are only read there.
    std::vector<std::int64_t> chunk_counts;
    detail::RowSorter sorter;
    sorter.sort(
        nrows, row_at.data(), cols,
        [&](std::size_t k) {
          if (in_place) {
            const std::size_t at = k - sorter.chunk_begin;
            if (at >= chunk_counts.size()) chunk_counts.resize(std::max(at + 1, 2 * chunk_counts.size()));
            chunk_counts[at] = counts[k];
          }
          return std::int64_t{col[static_cast<std::uint32_t>(ids[k])]};
        },
        [&](std::size_t r, std::size_t k, std::int64_t c) {
          const std::size_t dst = fill[r]++;
          const std::int64_t count = in_place ? chunk_counts[k - sorter.chunk_begin] : counts[k];
          m.indices[dst] = static_cast<std::int32_t>(c);
          m.data[dst] = binary ? 1 : count;
        });
    part = PartRows{};  // free this part's buffers as soon as they are copied
  });
  return m;
}

}  // namespace

CountResult count_and_learn(const TermSource& source, const CountConfig& config, const std::atomic<bool>* cancel) {
  const std::size_t n_docs = source.size();
  if (n_docs == 0) throw std::invalid_argument("empty corpus: at least one document is needed to learn a vocabulary");
  if (config.max_features == 0 || config.max_features < -1)
    throw std::invalid_argument("max_features must be a positive integer or None");
  const double max_count = config.max_df_is_count ? config.max_df : config.max_df * static_cast<double>(n_docs);
  const double min_count = config.min_df_is_count ? config.min_df : config.min_df * static_cast<double>(n_docs);
  if (max_count < min_count) throw std::invalid_argument("max_df corresponds to < documents than min_df");
  const int threads = resolve_n_jobs(config.n_jobs);

  const std::vector<std::size_t> bounds = part_bounds(source, threads);
  const std::size_t n_parts = bounds.size() - 1;
  std::vector<PartRows> parts(n_parts);
  std::vector<detail::TermTable> local(n_parts);
  parallel_for(n_parts, threads, [&](std::size_t p) {
    detail::TermTable& voc = local[p];
    count_part(
        source, bounds[p], bounds[p + 1], parts[p], cancel, [&](std::string_view term) { return voc.intern(term); },
        &voc);
  });
  check_cancelled(cancel);

  // One vocabulary over all parts, then its sorted order.
  detail::TermTable merged;
  std::vector<std::vector<std::uint32_t>> to_merged(n_parts);
  if (n_parts == 1) {
    merged = std::move(local[0]);
    to_merged[0].resize(merged.size());
    std::iota(to_merged[0].begin(), to_merged[0].end(), 0u);
  } else {
    for (std::size_t p = 0; p < n_parts; ++p) {
      to_merged[p].resize(local[p].size());
      for (std::uint32_t id = 0; id < local[p].size(); ++id) to_merged[p][id] = merged.intern(local[p].str(id));
      local[p] = detail::TermTable{};
    }
  }
  const std::size_t n_terms = merged.size();
  if (n_terms == 0) throw std::invalid_argument("empty vocabulary; perhaps the documents only contain stop words");
  if (n_terms > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("vocabulary larger than 2^31 - 1 terms");
  const std::vector<std::uint32_t> order = sorted_order(merged);
  std::vector<std::uint32_t> rank(n_terms);
  for (std::uint32_t r = 0; r < n_terms; ++r) rank[order[r]] = r;

  // Document frequencies (and, for max_features only, total counts) per sorted term: counted per
  // part-local id over the entries, then moved to the sorted order once per term.
  const bool want_tf = config.max_features > 0;
  std::vector<std::int64_t> df(n_terms, 0), tf(want_tf ? n_terms : 0, 0);
  for (std::size_t p = 0; p < n_parts; ++p) {
    const PartRows& part = parts[p];
    const std::size_t local_terms = to_merged[p].size();
    std::vector<std::int64_t> local_df(local_terms, 0), local_tf(want_tf ? local_terms : 0, 0);
    for (const std::int32_t id : part.ids) ++local_df[static_cast<std::uint32_t>(id)];
    if (want_tf)
      for (std::size_t k = 0; k < part.ids.size(); ++k)
        local_tf[static_cast<std::uint32_t>(part.ids[k])] += config.binary ? 1 : part.counts[k];
    for (std::size_t id = 0; id < local_terms; ++id) {
      const std::uint32_t r = rank[to_merged[p][id]];
      df[r] += local_df[id];
      if (want_tf) tf[r] += local_tf[id];
    }
  }
  std::vector<char> keep(n_terms);
  std::size_t kept = 0;
  for (std::size_t r = 0; r < n_terms; ++r) {
    const auto d = static_cast<double>(df[r]);
    keep[r] = d <= max_count && d >= min_count;
    kept += keep[r];
  }
  if (config.max_features > 0 && kept > static_cast<std::size_t>(config.max_features)) {
    std::vector<std::uint32_t> cand;
    cand.reserve(kept);
    for (std::uint32_t r = 0; r < n_terms; ++r)
      if (keep[r]) cand.push_back(r);
    std::stable_sort(cand.begin(), cand.end(), [&](std::uint32_t a, std::uint32_t b) { return tf[a] > tf[b]; });
    std::fill(keep.begin(), keep.end(), 0);
    for (std::size_t k = 0; k < static_cast<std::size_t>(config.max_features); ++k) keep[cand[k]] = 1;
    kept = static_cast<std::size_t>(config.max_features);
  }
  if (kept == 0) throw std::invalid_argument("After pruning, no terms remain. Try a lower min_df or a higher max_df.");

  std::vector<std::int64_t> column(n_terms, -1);
  CountResult result;
  result.vocabulary.reserve(kept);
  for (std::uint32_t r = 0, c = 0; r < n_terms; ++r) {
    if (!keep[r]) continue;
    column[r] = c++;
    result.vocabulary.emplace_back(merged.str(order[r]));
  }
  std::vector<std::vector<std::int32_t>> col_of(n_parts);
  for (std::size_t p = 0; p < n_parts; ++p) {
    col_of[p].resize(to_merged[p].size());
    for (std::size_t id = 0; id < to_merged[p].size(); ++id)
      col_of[p][id] = static_cast<std::int32_t>(column[rank[to_merged[p][id]]]);
  }
  result.matrix = assemble(parts, col_of, n_docs, kept, config.binary, kept == n_terms, threads);
  return result;
}

Csr<std::int64_t> count_fixed(const TermSource& source, const Interner& vocabulary, bool binary, int n_jobs,
                              const std::atomic<bool>* cancel) {
  if (vocabulary.size() == 0) throw std::invalid_argument("Vocabulary is empty");
  if (vocabulary.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("vocabulary larger than 2^31 - 1 terms");
  const int threads = resolve_n_jobs(n_jobs);
  const std::vector<std::size_t> bounds = part_bounds(source, threads);
  const std::size_t n_parts = bounds.size() - 1;
  std::vector<PartRows> parts(n_parts);
  parallel_for(n_parts, threads, [&](std::size_t p) {
    count_part(source, bounds[p], bounds[p + 1], parts[p], cancel,
               [&](std::string_view term) { return vocabulary.find(term); });
  });
  check_cancelled(cancel);
  std::vector<std::int32_t> identity(vocabulary.size());
  std::iota(identity.begin(), identity.end(), 0);
  std::vector<std::vector<std::int32_t>> col_of(n_parts, identity);
  return assemble(parts, col_of, source.size(), vocabulary.size(), binary, true, threads);
}

}  // namespace mekong

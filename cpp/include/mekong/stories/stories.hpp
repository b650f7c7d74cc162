// Stage 9, stories: groups of documents that report the same event, over the k-nearest-neighbour
// graph that the similarity stage computes (top_k_similar). This stage never sees the term matrix
// and never forms an n x n matrix: everything below works on the n x k neighbour lists.
//
//   rerank_neighbours   neighbour-aware similarity (each document's neighbour profile), O(n k^2)
//   calibrate_threshold the corpus's own cut between "same event" and "same topic", O(n k log(n k))
//   story_linkage       average linkage (UPGMA) over the sparse graph, O(n k log(n k)) merges
//
// Deterministic: the same neighbour lists give the same labels for any n_jobs.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mekong {

// k neighbours per row, best first: index -1 (and score NaN) pads a row with fewer than k.
struct NeighbourLists {
  std::size_t rows = 0;
  std::size_t k = 0;
  std::vector<std::int64_t> index;  // rows x k
  std::vector<double> score;        // rows x k
};

// Candidate search for large corpora (the caller runs top_k_similar on the pruned rows, then
// rescores): each row keeps its `m` heaviest entries (ties: lower column), the rest dropped. The
// heaviest tf-idf terms of an article are its names, places and numbers, which are what tells one
// event from another; the terms every article uses, whose postings make an exact search quadratic,
// are never among them. O(nnz log m).
struct SparseRows {
  std::size_t rows = 0, cols = 0;
  std::vector<std::int64_t> indptr, indices;
  std::vector<double> data;
};
SparseRows prune_rows(const std::int64_t* indptr, const std::int64_t* indices, const double* data, std::size_t rows,
                      std::size_t cols, std::size_t m);

// Exact cosine of every listed pair of a neighbour list over the full rows (CSR, int64 indices),
// rows re-sorted by it (ties: lower index). O(sum over listed pairs of the two rows' lengths).
NeighbourLists rescore_cosine(const NeighbourLists& nb, const std::int64_t* indptr, const std::int64_t* indices,
                              const double* data, std::size_t cols, int n_jobs = 1,
                              const std::atomic<bool>* cancel = nullptr);

// Checks shapes and that every index is -1 or a row other than its own (std::invalid_argument).
void validate_neighbours(const NeighbourLists& nb);

// Neighbour-aware re-ranking, a query expansion in similarity space. Each document's profile is its
// listed neighbours with their scores. For a listed pair (i, j), c(i, j) is the cosine of the two
// profiles over third documents (i and j themselves left out): 1 when i and j are close to the same
// other documents in the same proportions (the other outlets' versions of one event), 0 when their
// other neighbours differ (two storms, each with its own reports). The new score is
// s(i, j) * (1 + c(i, j)) / 2: the plain score when the neighbourhoods agree, half of it when they
// share nothing (c = 1 when neither has a third neighbour: no evidence either way). Rows are
// re-sorted (ties: lower index). O(n k^2); the same for any n_jobs.
NeighbourLists rerank_neighbours(const NeighbourLists& nb, int n_jobs = 1, const std::atomic<bool>* cancel = nullptr);

// The cut between "same event" and "the rest", read off the corpus itself: Otsu's threshold (the
// split maximising the between-class variance) of the pooled positive scores of all rows, binned
// into `bins` bins over [0, max]. Returns a value in [floor, 1); with fewer than 2 positive scores,
// returns 1 (nothing links).
double calibrate_threshold(const NeighbourLists& nb, double floor = 0.0, std::size_t bins = 256);

struct LinkageConfig {
  double threshold = 0.5;  // groups merge while their average similarity is > threshold
  // Optional time window: with dates (one per row, in days; NaN = unknown) and window > 0, a pair
  // more than `window` days apart counts as unlinked (similarity 0). Rows with an unknown date link
  // as if the window were off for them.
  const std::vector<double>* dates = nullptr;
  double window = 0.0;
};

// Average linkage (UPGMA) over the neighbour graph. The similarity of two documents is their listed
// score (either direction; the larger when both) and 0 when neither lists the other. Starting from
// single documents, the two groups with the highest average pairwise similarity merge while that
// average is > threshold; unlike single linkage, one article that resembles two stories cannot
// chain them. Labels: groups of two or more numbered 0, 1, ... in order of their first document;
// -1 for a document in no group. Ties go to the lower indices. A group's link table is merged
// into the larger one, so the total work is O(n k log(n k)).
std::vector<std::int64_t> story_linkage(const NeighbourLists& nb, const LinkageConfig& config,
                                        const std::atomic<bool>* cancel = nullptr);

}  // namespace mekong

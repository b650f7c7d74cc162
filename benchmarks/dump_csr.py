"""Write the tf-idf matrix of the first N documents of a benchmark corpus as raw arrays for
benchmarks/similarity_driver.cpp:  python benchmarks/dump_csr.py N PREFIX [CORPUS]"""

import sys

import numpy as np

import mekong

n, prefix = int(sys.argv[1]), sys.argv[2]
corpus = sys.argv[3] if len(sys.argv) > 3 else "benchmarks/data/corpus-60mb.txt"
with open(corpus, encoding="utf-8") as fh:
    docs = [line.rstrip("\n") for _, line in zip(range(n), fh)]
X = mekong.TfidfVectorizer(n_jobs=-1).fit_transform(docs)
X.indptr.astype(np.int32).tofile(prefix + ".indptr")
X.indices.astype(np.int32).tofile(prefix + ".indices")
X.data.astype(np.float64).tofile(prefix + ".data")
np.array(X.shape, dtype=np.int64).tofile(prefix + ".shape")
print(X.shape, X.nnz)

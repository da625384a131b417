/*
 * Compiled inner loops of padcheck: the lexical signal (padcheck/lexical.py) and the repetition
 * extractor's word table, n-gram statistics and near-duplicate search (padcheck/features/repetition.py),
 * the sentence-final mark runs the sentence splitter decides on (padcheck/sentences.py), the
 * counts of the English-prose check (padcheck/language.py) and two per-word loops of the density
 * extractor (padcheck/features/density.py).
 *
 * ngram_counts(low, bits) computes exactly what the pure-Python path of
 * padcheck.lexical.ngram_positions computes from an already lower-cased text: the distinct hashed
 * feature indices (ascending), the offset where each first occurs and how often it occurs. The
 * Python path is the specification; tests/test_speedups.py checks the two agree.
 *
 * Token view: a token is a run of alphanumeric characters with at most one inner apostrophe
 * ("'" or U+2019) followed by another run, or any single character that is neither alphanumeric
 * nor whitespace (the regular expression [^\W_]+(?:['’][^\W_]+)?|[^\w\s]|_ of Python's re, whose
 * \w and \s are str.isalnum() plus "_" and str.isspace()). Its hash is CRC-32 of
 * b"w " + token.encode("utf-8", "surrogatepass"); bigrams combine two unigram hashes.
 *
 * Character view: the code points with every whitespace run collapsed to one space, then every
 * 3- to 6-gram hashed with a polynomial rolling hash mod 2**64 and the MurmurHash3 finaliser.
 *
 * The slot table lives as long as the module (4 bytes a slot) and is reset after each call through
 * the list of touched slots, so a call costs time in proportion to its text, not to the table size.
 * The GIL is held throughout: no Python code runs while the tables are in use.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#define MAX_BITS 26
#define POLY 1000003ULL
#define MIX1 0xFF51AFD7ED558CCDULL
#define MIX2 0xC4CEB9FE1A85EC53ULL

static uint32_t crc_table[256];
static uint32_t crc_prefix; /* running CRC state after b"w " */

/* Per slot: 1 + the slot's position in the Touched arrays, or 0 while untouched. */
static uint32_t *slot_index = NULL;
static size_t n_slots = 0;

/* The slots one call touched, in order of first occurrence, with their first offset and count. */
typedef struct {
    uint32_t *slot;
    int64_t *first;
    int64_t *count;
    size_t len, cap;
} Touched;

static int touched_grow(Touched *t) {
    size_t cap = t->cap ? 2 * t->cap : 4096;
    uint32_t *slot = PyMem_Realloc(t->slot, cap * sizeof(uint32_t));
    if (slot) t->slot = slot;
    int64_t *first = PyMem_Realloc(t->first, cap * sizeof(int64_t));
    if (first) t->first = first;
    int64_t *count = PyMem_Realloc(t->count, cap * sizeof(int64_t));
    if (count) t->count = count;
    if (!slot || !first || !count) return -1;
    t->cap = cap;
    return 0;
}

static inline int record(Touched *t, uint32_t slot, int64_t pos) {
    uint32_t k = slot_index[slot];
    if (k == 0) {
        if (t->len == t->cap && touched_grow(t) < 0) return -1;
        t->slot[t->len] = slot;
        t->first[t->len] = pos;
        t->count[t->len] = 1;
        slot_index[slot] = (uint32_t)++t->len;
        return 0;
    }
    if (pos < t->first[k - 1]) t->first[k - 1] = pos;
    t->count[k - 1]++;
    return 0;
}

#if defined(__GNUC__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)0)
#endif

/* Features are recorded AHEAD hashes after they are computed, their table entries prefetched in
 * between: the table is read at random, so this hides most of the memory latency. The order of
 * records, and so the result, is that of the hashes. */
#define AHEAD 16

typedef struct {
    uint32_t slot[AHEAD];
    int64_t pos[AHEAD];
    int head, n;
} Pending;

static inline int push(Pending *p, Touched *t, uint32_t slot, int64_t pos) {
    PREFETCH(&slot_index[slot]);
    if (p->n < AHEAD) {
        int k = (p->head + p->n++) % AHEAD;
        p->slot[k] = slot;
        p->pos[k] = pos;
        return 0;
    }
    int rc = record(t, p->slot[p->head], p->pos[p->head]);
    p->slot[p->head] = slot;
    p->pos[p->head] = pos;
    p->head = (p->head + 1) % AHEAD;
    return rc;
}

static int flush(Pending *p, Touched *t) {
    for (; p->n > 0; p->n--, p->head = (p->head + 1) % AHEAD)
        if (record(t, p->slot[p->head], p->pos[p->head]) < 0) return -1;
    return 0;
}

static void crc_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    uint32_t c = 0xFFFFFFFFU;
    const unsigned char prefix[2] = {'w', ' '};
    for (int i = 0; i < 2; i++) c = crc_table[(c ^ prefix[i]) & 0xFF] ^ (c >> 8);
    crc_prefix = c;
}

static inline uint32_t crc_byte(uint32_t c, unsigned char b) {
    return crc_table[(c ^ b) & 0xFF] ^ (c >> 8);
}

/* CRC state after the UTF-8 bytes of one code point (surrogates encoded as three bytes). */
static inline uint32_t crc_code_point(uint32_t c, Py_UCS4 ch) {
    if (ch < 0x80) return crc_byte(c, (unsigned char)ch);
    if (ch < 0x800) {
        c = crc_byte(c, (unsigned char)(0xC0 | (ch >> 6)));
        return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
    }
    if (ch < 0x10000) {
        c = crc_byte(c, (unsigned char)(0xE0 | (ch >> 12)));
        c = crc_byte(c, (unsigned char)(0x80 | ((ch >> 6) & 0x3F)));
        return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
    }
    c = crc_byte(c, (unsigned char)(0xF0 | (ch >> 18)));
    c = crc_byte(c, (unsigned char)(0x80 | ((ch >> 12) & 0x3F)));
    c = crc_byte(c, (unsigned char)(0x80 | ((ch >> 6) & 0x3F)));
    return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
}

static inline int is_alnum(Py_UCS4 ch) {
    if (ch < 0x80) return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
    return Py_UNICODE_ISALNUM(ch);
}

static inline int is_space(Py_UCS4 ch) {
    if (ch < 0x80) return ch == ' ' || (ch >= '\t' && ch <= '\r') || (ch >= 0x1C && ch <= 0x1F);
    return Py_UNICODE_ISSPACE(ch);
}

static int ensure_tables(int bits) {
    size_t need = (size_t)2 << bits;
    if (need <= n_slots) return 0;
    uint32_t *index = PyMem_Calloc(need, sizeof(uint32_t));
    if (!index) {
        PyErr_NoMemory();
        return -1;
    }
    PyMem_Free(slot_index);
    slot_index = index;
    n_slots = need;
    return 0;
}

/* Positions 0..len-1 of the touched arrays in ascending order of slot: least-significant-digit
 * radix sort of (slot << 32 | position), 11 bits of the slot a pass. NULL when out of memory. */
static uint64_t *sorted_order(const Touched *t, int bits) {
    size_t n = t->len;
    uint64_t *keys = PyMem_Malloc((n ? n : 1) * sizeof(uint64_t));
    uint64_t *tmp = PyMem_Malloc((n ? n : 1) * sizeof(uint64_t));
    if (!keys || !tmp) {
        PyMem_Free(keys);
        PyMem_Free(tmp);
        return NULL;
    }
    for (size_t j = 0; j < n; j++) keys[j] = ((uint64_t)t->slot[j] << 32) | j;
    uint64_t *src = keys, *dst = tmp;
    for (int shift = 32; shift < 32 + bits + 1; shift += 11) {
        size_t hist[2048] = {0};
        for (size_t i = 0; i < n; i++) hist[(src[i] >> shift) & 2047]++;
        size_t sum = 0;
        for (int d = 0; d < 2048; d++) {
            size_t h = hist[d];
            hist[d] = sum;
            sum += h;
        }
        for (size_t i = 0; i < n; i++) dst[hist[(src[i] >> shift) & 2047]++] = src[i];
        uint64_t *swap = src;
        src = dst;
        dst = swap;
    }
    PyMem_Free(dst);
    return src;
}

static int token_view(int kind, const void *data, Py_ssize_t len, uint64_t mask, Touched *t) {
    Pending p = {.head = 0, .n = 0};
    int64_t prev = -1; /* previous unigram hash, -1 before the first token */
    Py_ssize_t i = 0;
    while (i < len) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        Py_ssize_t start = i;
        uint32_t c = crc_prefix;
        if (is_alnum(ch)) {
            while (i < len && is_alnum(ch = PyUnicode_READ(kind, data, i))) {
                c = crc_code_point(c, ch);
                i++;
            }
            if (i + 1 < len && (ch == '\'' || ch == 0x2019) && is_alnum(PyUnicode_READ(kind, data, i + 1))) {
                c = crc_code_point(c, ch);
                i++;
                while (i < len && is_alnum(ch = PyUnicode_READ(kind, data, i))) {
                    c = crc_code_point(c, ch);
                    i++;
                }
            }
        } else if (is_space(ch)) {
            i++;
            continue;
        } else {
            c = crc_code_point(c, ch);
            i++;
        }
        int64_t uni = (int64_t)(c ^ 0xFFFFFFFFU);
        if (push(&p, t, (uint32_t)(uni & (int64_t)mask), start) < 0) return -1;
        if (prev >= 0) {
            int64_t bigram = (prev * 1000003 + uni * 7919 + 0x5BD1E995) & 0x7FFFFFFF;
            /* credited where its second token starts, as in the Python path */
            if (push(&p, t, (uint32_t)(bigram & (int64_t)mask), start) < 0) return -1;
        }
        prev = uni;
    }
    return flush(&p, t);
}

static int char_view(int kind, const void *data, Py_ssize_t len, uint64_t mask, uint32_t offset, Touched *t) {
    /* Whitespace-collapsed code points and their offsets. */
    uint64_t *cp = PyMem_Malloc((len ? len : 1) * sizeof(uint64_t));
    int64_t *at = PyMem_Malloc((len ? len : 1) * sizeof(int64_t));
    if (!cp || !at) {
        PyMem_Free(cp);
        PyMem_Free(at);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t n = 0;
    int in_space = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (is_space(ch)) {
            if (in_space) continue;
            in_space = 1;
            ch = ' ';
        } else {
            in_space = 0;
        }
        cp[n] = ch;
        at[n] = i;
        n++;
    }
    int rc = 0;
    Pending p = {.head = 0, .n = 0};
    for (Py_ssize_t i = 0; i + 3 <= n && rc == 0; i++) {
        uint64_t key = cp[i] * POLY + cp[i + 1];
        for (Py_ssize_t k = 2; k < 6 && i + k < n; k++) {
            key = key * POLY + cp[i + k];
            uint64_t h = key + (uint64_t)(k + 1);
            h ^= h >> 33;
            h *= MIX1;
            h ^= h >> 33;
            h *= MIX2;
            h ^= h >> 33;
            if (push(&p, t, (uint32_t)(h & mask) + offset, at[i]) < 0) {
                rc = -1;
                break;
            }
        }
    }
    if (rc == 0) rc = flush(&p, t);
    PyMem_Free(cp);
    PyMem_Free(at);
    return rc;
}

/* Count the features of `text`; on success t holds every touched slot with its first offset and
 * count. The caller must call release() whatever happens. */
static int count_features(PyObject *text, int bits, Touched *t) {
    if (bits < 1 || bits > MAX_BITS) {
        PyErr_Format(PyExc_ValueError, "bits must be between 1 and %d, got %d", MAX_BITS, bits);
        return -1;
    }
    if (ensure_tables(bits) < 0) return -1;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    if (token_view(kind, data, len, mask, t) < 0 || char_view(kind, data, len, mask, (uint32_t)1 << bits, t) < 0) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Reset the touched slots, so the table is clean for the next call, and free the arrays. */
static void release(Touched *t) {
    for (size_t j = 0; j < t->len; j++) slot_index[t->slot[j]] = 0;
    PyMem_Free(t->slot);
    PyMem_Free(t->first);
    PyMem_Free(t->count);
}

static PyObject *ngram_counts(PyObject *self, PyObject *args) {
    PyObject *text;
    int bits;
    if (!PyArg_ParseTuple(args, "Ui:ngram_counts", &text, &bits)) return NULL;
    Touched t = {NULL, NULL, NULL, 0, 0};
    PyObject *idx = NULL, *first = NULL, *count = NULL, *out = NULL;
    uint64_t *order = NULL;
    if (count_features(text, bits, &t) < 0) goto done;
    if (!(order = sorted_order(&t, bits))) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t d = (Py_ssize_t)t.len;
    idx = PyByteArray_FromStringAndSize(NULL, d * 8);
    first = PyByteArray_FromStringAndSize(NULL, d * 8);
    count = PyByteArray_FromStringAndSize(NULL, d * 8);
    if (!idx || !first || !count) goto done;
    int64_t *pi = (int64_t *)PyByteArray_AS_STRING(idx);
    int64_t *pf = (int64_t *)PyByteArray_AS_STRING(first);
    double *pc = (double *)PyByteArray_AS_STRING(count);
    for (Py_ssize_t i = 0; i < d; i++) {
        size_t j = (size_t)(order[i] & 0xFFFFFFFFU);
        pi[i] = t.slot[j];
        pf[i] = t.first[j];
        pc[i] = (double)t.count[j];
    }
    out = PyTuple_Pack(3, idx, first, count);
done:
    PyMem_Free(order);
    release(&t);
    Py_XDECREF(idx);
    Py_XDECREF(first);
    Py_XDECREF(count);
    return out;
}

/* The lexical logit's terms summed per sentence. `pairs` holds, per slot, the inverse document
 * frequency and the weight as float32 (how model files store them: 8 bytes a slot, so the
 * table stays small in cache); the terms are sublinear TF-IDF values with each view
 * L2-normalised to 1/sqrt(2), times the weights, each credited to the sentence where its
 * feature first occurs (the last of `starts` at or before it, else the first sentence). */
static PyObject *sentence_terms(PyObject *self, PyObject *args) {
    PyObject *text;
    int bits;
    Py_buffer pairs, starts;
    if (!PyArg_ParseTuple(args, "Uiy*y*:sentence_terms", &text, &bits, &pairs, &starts)) return NULL;
    PyObject *out = NULL;
    double *values = NULL;
    Touched t = {NULL, NULL, NULL, 0, 0};
    size_t slots = (bits >= 1 && bits <= MAX_BITS) ? (size_t)2 << bits : 0;
    Py_ssize_t n_sent = starts.len / (Py_ssize_t)sizeof(int64_t);
    if (slots && ((size_t)pairs.len != 2 * slots * sizeof(float) || starts.len % sizeof(int64_t) != 0 || n_sent == 0)) {
        PyErr_SetString(PyExc_ValueError,
                        "pairs must hold 2 * 2**(bits + 1) float32 values and starts at least one int64 offset");
        goto done;
    }
    if (count_features(text, bits, &t) < 0) goto done;
    out = PyByteArray_FromStringAndSize(NULL, n_sent * (Py_ssize_t)sizeof(double));
    if (!out) goto done;
    double *sums = (double *)PyByteArray_AS_STRING(out);
    memset(sums, 0, n_sent * sizeof(double));
    if (t.len == 0) goto done;
    if (!(values = PyMem_Malloc(t.len * sizeof(double)))) {
        PyErr_NoMemory();
        Py_CLEAR(out);
        goto done;
    }
    const float *pair = (const float *)pairs.buf;
    const int64_t *st = (const int64_t *)starts.buf;
    uint32_t split = (uint32_t)1 << bits;
    double norm[2] = {0.0, 0.0};
    for (size_t j = 0; j < t.len; j++) {
        if (j + AHEAD < t.len) PREFETCH(&pair[2 * (size_t)t.slot[j + AHEAD]]);
        double v = 1.0 + log((double)t.count[j]);
        values[j] = v;
        double scaled = v * (double)pair[2 * (size_t)t.slot[j]];
        norm[t.slot[j] >= split] += scaled * scaled;
    }
    for (int k = 0; k < 2; k++) norm[k] = norm[k] > 0 ? sqrt(norm[k]) * sqrt(2.0) : 1.0;
    for (size_t j = 0; j < t.len; j++) {
        int64_t pos = t.first[j];
        Py_ssize_t lo = 0, hi = n_sent;
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (st[mid] <= pos) lo = mid + 1; else hi = mid;
        }
        uint32_t slot = t.slot[j];
        double idf = pair[2 * (size_t)slot], weight = pair[2 * (size_t)slot + 1];
        sums[lo > 0 ? lo - 1 : 0] += weight * (values[j] * idf / norm[slot >= split]);
    }
done:
    PyMem_Free(values);
    release(&t);
    PyBuffer_Release(&pairs);
    PyBuffer_Release(&starts);
    return out;
}

/* ---- the repetition extractor's word table and Gopher n-gram statistics ------------------ */

static inline int is_decimal(Py_UCS4 ch) {
    if (ch < 0x80) return ch >= '0' && ch <= '9';
    return Py_UNICODE_ISDECIMAL(ch);
}

/* Spans of the words of a text, as padcheck.features.repetition._WORD finds them:
 * [^\W_]+(?:['’.\-][^\W_]+|(?<=\d),\d+)* */
static PyObject *word_spans(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:word_spans", &text)) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    size_t cap = 256, len = 0;
    int64_t *spans = PyMem_Malloc(2 * cap * sizeof(int64_t));
    if (!spans) return PyErr_NoMemory();
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_alnum(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_alnum(PyUnicode_READ(kind, data, j))) j++;
        while (j + 1 < n) {
            Py_UCS4 sep = PyUnicode_READ(kind, data, j), next = PyUnicode_READ(kind, data, j + 1);
            if ((sep == '\'' || sep == 0x2019 || sep == '.' || sep == '-') && is_alnum(next)) {
                j += 2;
                while (j < n && is_alnum(PyUnicode_READ(kind, data, j))) j++;
            } else if (sep == ',' && is_decimal(next) && is_decimal(PyUnicode_READ(kind, data, j - 1))) {
                j += 2;
                while (j < n && is_decimal(PyUnicode_READ(kind, data, j))) j++;
            } else {
                break;
            }
        }
        if (len == cap) {
            int64_t *grown = PyMem_Realloc(spans, 4 * cap * sizeof(int64_t));
            if (!grown) {
                PyMem_Free(spans);
                return PyErr_NoMemory();
            }
            spans = grown;
            cap *= 2;
        }
        spans[2 * len] = i;
        spans[2 * len + 1] = j;
        len++;
        i = j;
    }
    PyObject *out = PyByteArray_FromStringAndSize((const char *)spans, (Py_ssize_t)(2 * len * sizeof(int64_t)));
    PyMem_Free(spans);
    return out;
}

/* [text[a:b] for a, b in zip(starts, ends)], spans within the text. */
static PyObject *substrings(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer starts, ends;
    if (!PyArg_ParseTuple(args, "Uy*y*:substrings", &text, &starts, &ends)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = starts.len / 8, len = PyUnicode_GET_LENGTH(text);
    const int64_t *a = (const int64_t *)starts.buf, *b = (const int64_t *)ends.buf;
    if (starts.len % 8 || starts.len != ends.len) {
        PyErr_SetString(PyExc_ValueError, "substrings: starts and ends must be int64 arrays of one length");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (a[i] < 0 || a[i] > b[i] || b[i] > len) {
            PyErr_SetString(PyExc_ValueError, "substrings: a span lies outside the text");
            goto done;
        }
    }
    if (!(out = PyList_New(n))) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *piece = PyUnicode_Substring(text, (Py_ssize_t)a[i], (Py_ssize_t)b[i]);
        if (!piece) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, i, piece);
    }
done:
    PyBuffer_Release(&starts);
    PyBuffer_Release(&ends);
    return out;
}

/* (distinct strings in order of first appearance, uint64 id of each string of `words`). */
static PyObject *vocab_ids(PyObject *self, PyObject *args) {
    PyObject *words;
    if (!PyArg_ParseTuple(args, "O!:vocab_ids", &PyList_Type, &words)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(words);
    PyObject *index = PyDict_New(), *vocab = PyList_New(0), *ids = PyByteArray_FromStringAndSize(NULL, n * 8);
    PyObject *out = NULL;
    if (!index || !vocab || !ids) goto done;
    uint64_t *id = (uint64_t *)PyByteArray_AS_STRING(ids);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        PyObject *known = PyDict_GetItemWithError(index, word);
        if (known) {
            id[i] = (uint64_t)PyLong_AsUnsignedLongLong(known);
            continue;
        }
        if (PyErr_Occurred()) goto done;
        PyObject *next = PyLong_FromSsize_t(PyList_GET_SIZE(vocab));
        if (!next || PyDict_SetItem(index, word, next) < 0 || PyList_Append(vocab, word) < 0) {
            Py_XDECREF(next);
            goto done;
        }
        Py_DECREF(next);
        id[i] = (uint64_t)(PyList_GET_SIZE(vocab) - 1);
    }
    out = PyTuple_Pack(2, vocab, ids);
done:
    Py_XDECREF(index);
    Py_XDECREF(vocab);
    Py_XDECREF(ids);
    return out;
}

/* Open-addressing table of n-gram keys: count and first position of each. */
typedef struct {
    uint64_t *key;
    int64_t *count; /* 0 = empty */
    int64_t *first;
    size_t mask;
} KeyTable;

static int keytable_init(KeyTable *k, size_t items) {
    size_t cap = 16;
    while (cap < 2 * items) cap <<= 1;
    k->key = PyMem_Malloc(cap * sizeof(uint64_t));
    k->count = PyMem_Malloc(cap * sizeof(int64_t));
    k->first = PyMem_Malloc(cap * sizeof(int64_t));
    k->mask = cap - 1;
    return (k->key && k->count && k->first) ? 0 : -1;
}

static void keytable_free(KeyTable *k) {
    PyMem_Free(k->key);
    PyMem_Free(k->count);
    PyMem_Free(k->first);
}

/* Slot of `key`, inserting it (count 0) if absent. */
static inline size_t keytable_slot(KeyTable *k, uint64_t key) {
    size_t h = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 17) & k->mask;
    while (k->count[h] && k->key[h] != key) h = (h + 1) & k->mask;
    k->key[h] = key;
    return h;
}

/* For each n of `top_ns`, the positions of the most frequent word n-gram of `ids` (ties: the one
 * that appears first), or none when no n-gram repeats; for each n of `dup_ns`, a mask of the words
 * inside an n-gram that occurred earlier. An n-gram is identified by the Horner sum of its word
 * ids with multiplier 1000003 mod 2**64, as padcheck.features.repetition._ngram_keys computes. */
static PyObject *ngram_repeats(PyObject *self, PyObject *args) {
    Py_buffer ids_buf;
    PyObject *top_ns, *dup_ns;
    if (!PyArg_ParseTuple(args, "y*O!O!:ngram_repeats", &ids_buf, &PyTuple_Type, &top_ns, &PyTuple_Type, &dup_ns))
        return NULL;
    PyObject *tops = NULL, *dups = NULL, *out = NULL;
    uint64_t *keys = NULL;
    int64_t *cover = NULL;
    KeyTable table = {NULL, NULL, NULL, 0};
    Py_ssize_t n_ids = ids_buf.len / (Py_ssize_t)sizeof(uint64_t);
    const uint64_t *ids = (const uint64_t *)ids_buf.buf;
    Py_ssize_t n_top = PyTuple_GET_SIZE(top_ns), n_dup = PyTuple_GET_SIZE(dup_ns);
    if (ids_buf.len % (Py_ssize_t)sizeof(uint64_t)) {
        PyErr_SetString(PyExc_ValueError, "ids must be uint64 values");
        goto done;
    }
    tops = PyTuple_New(n_top);
    dups = PyTuple_New(n_dup);
    keys = PyMem_Malloc((n_ids ? n_ids : 1) * sizeof(uint64_t));
    cover = PyMem_Malloc((n_ids + 1) * sizeof(int64_t));
    if (!tops || !dups || !keys || !cover || keytable_init(&table, (size_t)n_ids) < 0) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t q = 0; q < n_top + n_dup; q++) {
        int is_top = q < n_top;
        long n = PyLong_AsLong(PyTuple_GET_ITEM(is_top ? top_ns : dup_ns, is_top ? q : q - n_top));
        if (n < 1) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "n-gram lengths must be positive");
            goto done;
        }
        Py_ssize_t m = n_ids - n + 1; /* number of n-grams */
        if (m < 0) m = 0;
        for (Py_ssize_t i = 0; i < m; i++) {
            uint64_t key = 0;
            for (long k = 0; k < n; k++) key = key * POLY + ids[i + k];
            keys[i] = key;
        }
        memset(table.count, 0, (table.mask + 1) * sizeof(int64_t));
        PyObject *item;
        if (is_top) {
            int64_t best_count = 0, best_first = 0;
            uint64_t best_key = 0;
            for (Py_ssize_t i = 0; i < m; i++) {
                size_t h = keytable_slot(&table, keys[i]);
                if (table.count[h]++ == 0) table.first[h] = i;
                int64_t c = table.count[h];
                if (c > best_count || (c == best_count && table.first[h] < best_first)) {
                    best_count = c;
                    best_first = table.first[h];
                    best_key = keys[i];
                }
            }
            if (best_count < 2) best_count = 0;
            item = PyByteArray_FromStringAndSize(NULL, best_count * (Py_ssize_t)sizeof(int64_t));
            if (item && best_count) {
                int64_t *pos = (int64_t *)PyByteArray_AS_STRING(item);
                Py_ssize_t found = 0;
                for (Py_ssize_t i = best_first; i < m && found < best_count; i++)
                    if (keys[i] == best_key) pos[found++] = i;
            }
        } else {
            memset(cover, 0, (n_ids + 1) * sizeof(int64_t));
            for (Py_ssize_t i = 0; i < m; i++) {
                size_t h = keytable_slot(&table, keys[i]);
                if (table.count[h]++) { /* an earlier occurrence exists: words i .. i+n-1 repeat */
                    cover[i]++;
                    cover[i + n]--;
                }
            }
            item = PyByteArray_FromStringAndSize(NULL, n_ids);
            if (item) {
                char *mask = PyByteArray_AS_STRING(item);
                int64_t depth = 0;
                for (Py_ssize_t i = 0; i < n_ids; i++) {
                    depth += cover[i];
                    mask[i] = depth > 0;
                }
            }
        }
        if (!item) goto done;
        PyTuple_SET_ITEM(is_top ? tops : dups, is_top ? q : q - n_top, item);
    }
    out = PyTuple_Pack(2, tops, dups);
done:
    keytable_free(&table);
    PyMem_Free(keys);
    PyMem_Free(cover);
    Py_XDECREF(tops);
    Py_XDECREF(dups);
    PyBuffer_Release(&ids_buf);
    return out;
}

/* ---- near-duplicate search: MinHash signatures, LSH buckets, exact Jaccard ---------------- */

#define MAX_CAP 8

typedef struct {
    uint64_t key;
    int32_t size; /* members held, at most cap; -1 = empty entry */
    int32_t members[MAX_CAP];
} Bucket;

static int cmp_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static int cmp_i32(const void *x, const void *y) {
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* For each set (a run of `lengths` ids in `ids`, ids distinct within a set), the earliest earlier
 * set sharing an LSH bucket whose Jaccard similarity is at least `threshold` and whose position is
 * at least `min_gap` away: padcheck.features.repetition.near_duplicates. MinHash function k maps
 * an id to (id * a[k] + b[k]) mod 2**64 >> 32; band k is the minima of functions 2k and 2k + 1;
 * a bucket keeps its first `cap` members. Returns (earlier set or -1, Jaccard) per set. */
static PyObject *near_matches(PyObject *self, PyObject *args) {
    Py_buffer ids_buf, len_buf, a_buf, b_buf, pos_buf;
    long long min_gap;
    double threshold;
    int cap;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*Ldi:near_matches", &ids_buf, &len_buf, &a_buf, &b_buf, &pos_buf, &min_gap,
                          &threshold, &cap))
        return NULL;
    PyObject *match_obj = NULL, *jac_obj = NULL, *out = NULL;
    uint64_t *sig = NULL, *sorted_ids = NULL;
    int64_t *offsets = NULL;
    int32_t *cands = NULL, *n_cands = NULL;
    Bucket *table = NULL;
    Py_ssize_t n_sets = len_buf.len / 8, n_ids = ids_buf.len / 8, n_perm = a_buf.len / 8;
    const int64_t *lengths = (const int64_t *)len_buf.buf, *pos = (const int64_t *)pos_buf.buf;
    const uint64_t *ids = (const uint64_t *)ids_buf.buf, *a = (const uint64_t *)a_buf.buf, *b = (const uint64_t *)b_buf.buf;
    if (ids_buf.len % 8 || len_buf.len % 8 || a_buf.len % 8 || a_buf.len != b_buf.len || pos_buf.len != len_buf.len
        || n_perm % 2 || n_perm == 0 || cap < 1 || cap > MAX_CAP) {
        PyErr_SetString(PyExc_ValueError, "near_matches: bad array sizes, or cap not in 1..8");
        goto done;
    }
    int64_t total = 0;
    for (Py_ssize_t s = 0; s < n_sets; s++) {
        if (lengths[s] < 1) {
            PyErr_SetString(PyExc_ValueError, "near_matches: every set needs at least one id");
            goto done;
        }
        total += lengths[s];
    }
    if (total != n_ids) {
        PyErr_SetString(PyExc_ValueError, "near_matches: lengths do not add up to the number of ids");
        goto done;
    }
    Py_ssize_t n_bands = n_perm / 2, stride = n_bands * cap;
    size_t n_entries = 16;
    while (n_entries < 2 * (size_t)n_sets) n_entries <<= 1; /* one band's buckets at a time */
    sig = PyMem_Malloc((size_t)(n_sets ? n_sets : 1) * n_perm * sizeof(uint64_t));
    sorted_ids = PyMem_Malloc((size_t)(n_ids ? n_ids : 1) * sizeof(uint64_t));
    offsets = PyMem_Malloc((size_t)(n_sets + 1) * sizeof(int64_t));
    cands = PyMem_Malloc((size_t)(n_sets ? n_sets : 1) * stride * sizeof(int32_t));
    n_cands = PyMem_Calloc((size_t)(n_sets ? n_sets : 1), sizeof(int32_t));
    table = PyMem_Malloc(n_entries * sizeof(Bucket));
    match_obj = PyByteArray_FromStringAndSize(NULL, n_sets * 8);
    jac_obj = PyByteArray_FromStringAndSize(NULL, n_sets * 8);
    if (!sig || !sorted_ids || !offsets || !cands || !n_cands || !table || !match_obj || !jac_obj) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    offsets[0] = 0;
    for (Py_ssize_t s = 0; s < n_sets; s++) offsets[s + 1] = offsets[s] + lengths[s];
    memcpy(sorted_ids, ids, (size_t)n_ids * sizeof(uint64_t));
    for (Py_ssize_t s = 0; s < n_sets; s++) {
        qsort(sorted_ids + offsets[s], (size_t)lengths[s], sizeof(uint64_t), cmp_u64);
        for (Py_ssize_t k = 0; k < n_perm; k++) {
            uint64_t best = UINT64_MAX;
            for (int64_t j = offsets[s]; j < offsets[s + 1]; j++) {
                uint64_t h = (ids[j] * a[k] + b[k]) >> 32;
                if (h < best) best = h;
            }
            sig[s * n_perm + k] = best;
        }
    }
    /* Band by band, rows in order: a row's candidates are the members already in its bucket. */
    for (Py_ssize_t band = 0; band < n_bands; band++) {
        for (size_t e = 0; e < n_entries; e++) table[e].size = -1;
        for (Py_ssize_t r = 0; r < n_sets; r++) {
            uint64_t key = (sig[r * n_perm + 2 * band] << 32) | sig[r * n_perm + 2 * band + 1];
            size_t h = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (n_entries - 1);
            while (table[h].size >= 0 && table[h].key != key) h = (h + 1) & (n_entries - 1);
            Bucket *bk = &table[h];
            if (bk->size < 0) {
                bk->key = key;
                bk->size = 0;
            }
            int32_t *mine = cands + r * stride;
            for (int m = 0; m < bk->size; m++) mine[n_cands[r]++] = bk->members[m];
            if (bk->size < cap) bk->members[bk->size++] = (int32_t)r;
        }
    }
    int64_t *match = (int64_t *)PyByteArray_AS_STRING(match_obj);
    double *jac = (double *)PyByteArray_AS_STRING(jac_obj);
    for (Py_ssize_t r = 0; r < n_sets; r++) {
        int32_t *mine = cands + r * stride;
        Py_ssize_t n_c = n_cands[r];
        match[r] = -1;
        jac[r] = 0.0;
        if (!n_c) continue;
        qsort(mine, (size_t)n_c, sizeof(int32_t), cmp_i32);
        for (Py_ssize_t c = 0; c < n_c; c++) {
            int32_t other = mine[c];
            if (c > 0 && other == mine[c - 1]) continue;
            int64_t gap = pos[r] - pos[other];
            if ((gap < 0 ? -gap : gap) < min_gap) continue;
            /* size of the intersection of two sorted runs of distinct ids */
            int64_t i = offsets[r], ie = offsets[r + 1], j = offsets[other], je = offsets[other + 1], inter = 0;
            while (i < ie && j < je) {
                if (sorted_ids[i] < sorted_ids[j]) i++;
                else if (sorted_ids[i] > sorted_ids[j]) j++;
                else {
                    inter++;
                    i++;
                    j++;
                }
            }
            double jaccard = (double)inter / (double)(lengths[r] + lengths[other] - inter);
            if (jaccard >= threshold) {
                match[r] = other;
                jac[r] = jaccard;
                break;
            }
        }
    }
    out = PyTuple_Pack(2, match_obj, jac_obj);
done:
    PyMem_Free(sig);
    PyMem_Free(sorted_ids);
    PyMem_Free(offsets);
    PyMem_Free(cands);
    PyMem_Free(n_cands);
    PyMem_Free(table);
    Py_XDECREF(match_obj);
    Py_XDECREF(jac_obj);
    PyBuffer_Release(&ids_buf);
    PyBuffer_Release(&len_buf);
    PyBuffer_Release(&a_buf);
    PyBuffer_Release(&b_buf);
    PyBuffer_Release(&pos_buf);
    return out;
}

/* ---- sentence-final mark runs (padcheck/sentences.py) --------------------------------------- */

static inline int is_mark(Py_UCS4 ch) { return ch == '.' || ch == '!' || ch == '?' || ch == 0x2026; }

static inline int is_closer(Py_UCS4 ch) {
    return ch == '"' || ch == '\'' || ch == 0x201D || ch == 0x2019 || ch == 0x00BB || ch == ')' || ch == ']';
}

static inline int is_cjk_mark(Py_UCS4 ch) { return ch == 0x3002 || ch == 0xFF01 || ch == 0xFF1F; }

static inline int is_cjk_closer(Py_UCS4 ch) { return ch == 0x300D || ch == 0x300F || ch == 0x201D || ch == 0xFF09; }

/* (start, end) of each match of padcheck.sentences._BOUNDARY in text[start:end], in order:
 * (?<![.!?…])[.!?…]+["'”’»)\]]*\s+|[。！？]+[」』”）]*   (the lookbehind sees before `start`) */
static PyObject *boundary_marks(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "Unn:boundary_marks", &text, &start, &end)) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (start < 0) start = 0;
    if (end > n) end = n;
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    Py_ssize_t i = start;
    while (i < end) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        Py_ssize_t j = i;
        if (is_mark(ch)) {
            if (i > 0 && is_mark(PyUnicode_READ(kind, data, i - 1))) {
                i++;
                continue;
            }
            while (j < end && is_mark(PyUnicode_READ(kind, data, j))) j++;
            while (j < end && is_closer(PyUnicode_READ(kind, data, j))) j++;
            Py_ssize_t k = j;
            while (k < end && is_space(PyUnicode_READ(kind, data, k))) k++;
            if (k == j) { /* no whitespace after the run: no boundary starts anywhere in it */
                i++;
                continue;
            }
            j = k;
        } else if (is_cjk_mark(ch)) {
            while (j < end && is_cjk_mark(PyUnicode_READ(kind, data, j))) j++;
            while (j < end && is_cjk_closer(PyUnicode_READ(kind, data, j))) j++;
        } else {
            i++;
            continue;
        }
        PyObject *span = Py_BuildValue("(nn)", i, j);
        if (!span || PyList_Append(out, span) < 0) {
            Py_XDECREF(span);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(span);
        i = j;
    }
    return out;
}

/* ---- the English-prose check (padcheck/language.py) ----------------------------------------- */

static inline int is_letter(Py_UCS4 ch) { /* [^\W\d_]: alphanumeric but not a decimal digit */
    if (ch < 0x80) return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
    return Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch);
}

/* Counts behind padcheck.language.assess_support. In `low` (the lower-cased text): words as
 * [^\W\d_]+(?:['’][^\W\d_]+)? finds them, their letters, and how many are in `function_words`.
 * In `text`: letters outside U+0000-U+024F, whitespace characters, and symbol characters
 * (_|[^\w\s.,;:!?'"’‘“”()\-–—%$]). */
static PyObject *language_counts(PyObject *self, PyObject *args) {
    PyObject *low, *text, *function_words;
    if (!PyArg_ParseTuple(args, "UUO!:language_counts", &low, &text, &PyFrozenSet_Type, &function_words)) return NULL;
    int kind = PyUnicode_KIND(low);
    const void *data = PyUnicode_DATA(low);
    Py_ssize_t n = PyUnicode_GET_LENGTH(low);
    long long words = 0, letters = 0, function = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!is_letter(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_letter(PyUnicode_READ(kind, data, j))) j++;
        if (j + 1 < n) {
            Py_UCS4 sep = PyUnicode_READ(kind, data, j);
            if ((sep == '\'' || sep == 0x2019) && is_letter(PyUnicode_READ(kind, data, j + 1))) {
                j += 2;
                while (j < n && is_letter(PyUnicode_READ(kind, data, j))) j++;
            }
        }
        words++;
        letters += j - i;
        PyObject *word = PyUnicode_Substring(low, i, j);
        if (!word) return NULL;
        int found = PySet_Contains(function_words, word);
        Py_DECREF(word);
        if (found < 0) return NULL;
        function += found;
        i = j;
    }
    kind = PyUnicode_KIND(text);
    data = PyUnicode_DATA(text);
    n = PyUnicode_GET_LENGTH(text);
    long long non_latin = 0, spaces = 0, symbols = 0;
    for (i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (is_space(ch)) {
            spaces++;
        } else if (ch == '_') {
            symbols++;
        } else if (is_alnum(ch)) {
            if (ch > 0x24F && !Py_UNICODE_ISDECIMAL(ch)) non_latin++;
        } else if (!(ch < 0x80 ? strchr(".,;:!?'\"()-%$", (int)ch) != NULL && ch != 0
                               : (ch == 0x2019 || ch == 0x2018 || ch == 0x201C || ch == 0x201D || ch == 0x2013
                                  || ch == 0x2014))) {
            symbols++;
        }
    }
    return Py_BuildValue("(LLLLLL)", words, letters, function, non_latin, spaces, symbols);
}

/* Per span start: 1 where text[start] is upper-case (str.isupper of that one character), else 0. */
static PyObject *upper_initials(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer starts;
    if (!PyArg_ParseTuple(args, "Uy*:upper_initials", &text, &starts)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = starts.len / 8, len = PyUnicode_GET_LENGTH(text);
    const int64_t *a = (const int64_t *)starts.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (starts.len % 8) {
        PyErr_SetString(PyExc_ValueError, "upper_initials: starts must be an int64 array");
        goto done;
    }
    if (!(out = PyByteArray_FromStringAndSize(NULL, n))) goto done;
    char *flag = PyByteArray_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (a[i] < 0 || a[i] >= len) {
            PyErr_SetString(PyExc_ValueError, "upper_initials: a start lies outside the text");
            Py_CLEAR(out);
            goto done;
        }
        flag[i] = Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, a[i])) ? 1 : 0;
    }
done:
    PyBuffer_Release(&starts);
    return out;
}

/* Sum over the windows [t, t + window) of `ids` (non-negative 64-bit integers below `bound`) of
 * their number of distinct ids: position j is counted in every window that holds j but not the
 * previous occurrence of ids[j] (padcheck.features.density.mattr, n > window). */
static PyObject *window_types(PyObject *self, PyObject *args) {
    Py_buffer ids_buf;
    Py_ssize_t window, bound;
    if (!PyArg_ParseTuple(args, "y*nn:window_types", &ids_buf, &window, &bound)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = ids_buf.len / 8;
    const uint64_t *ids = (const uint64_t *)ids_buf.buf;
    int64_t *last = NULL;
    if (ids_buf.len % 8 || window < 1 || bound < 0) {
        PyErr_SetString(PyExc_ValueError, "window_types: ids must be a 64-bit array, window >= 1, bound >= 0");
        goto done;
    }
    if (!(last = PyMem_Malloc(((size_t)bound + 1) * sizeof(int64_t)))) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k <= bound; k++) last[k] = -1;
    long long total = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        if (ids[j] >= (uint64_t)bound) {
            PyErr_SetString(PyExc_ValueError, "window_types: an id is not below bound");
            goto done;
        }
        int64_t lo = last[ids[j]] + 1, hi = j < n - window ? j : n - window;
        if (j - window + 1 > lo) lo = j - window + 1;
        if (lo < 0) lo = 0;
        if (hi >= lo) total += hi - lo + 1;
        last[ids[j]] = j;
    }
    out = PyLong_FromLongLong(total);
done:
    PyMem_Free(last);
    PyBuffer_Release(&ids_buf);
    return out;
}

static PyMethodDef methods[] = {
    {"ngram_counts", ngram_counts, METH_VARARGS,
     "ngram_counts(low, bits) -> (indices, first offsets, counts) as bytearrays of int64, int64, float64.\n\n"
     "The distinct lexical feature indices of an already lower-cased text, ascending."},
    {"sentence_terms", sentence_terms, METH_VARARGS,
     "sentence_terms(low, bits, pairs, starts) -> bytearray of float64, one sum per sentence (pairs: float32 idf, weight).\n\n"
     "The lexical logit's terms (sublinear TF-IDF, each view L2-normalised to 1/sqrt(2), times the\n"
     "weights) summed per sentence, a feature credited to the sentence where it first occurs."},
    {"word_spans", word_spans, METH_VARARGS,
     "word_spans(text) -> bytearray of int64 (start, end) pairs: the repetition extractor's words."},
    {"substrings", substrings, METH_VARARGS, "substrings(text, starts, ends) -> [text[a:b] for each span]."},
    {"vocab_ids", vocab_ids, METH_VARARGS,
     "vocab_ids(words) -> (distinct words in order of first appearance, bytearray of each word's uint64 id)."},
    {"ngram_repeats", ngram_repeats, METH_VARARGS,
     "ngram_repeats(ids, top_ns, dup_ns) -> (positions of the top n-gram per n, repeated-word masks per n)."},
    {"near_matches", near_matches, METH_VARARGS,
     "near_matches(ids, lengths, a, b, positions, min_gap, threshold, cap) -> (earlier set or -1, Jaccard) per set."},
    {"boundary_marks", boundary_marks, METH_VARARGS,
     "boundary_marks(text, start, end) -> [(start, end)] of the sentence-final mark runs in text[start:end]."},
    {"language_counts", language_counts, METH_VARARGS,
     "language_counts(low, text, function_words) -> (words, letters, function words, non-Latin letters, spaces, "
     "symbols)."},
    {"upper_initials", upper_initials, METH_VARARGS,
     "upper_initials(text, starts) -> bytearray: 1 where the character at each int64 start is upper-case."},
    {"window_types", window_types, METH_VARARGS,
     "window_types(ids, window, bound) -> sum over the windows of ids of their number of distinct ids."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "padcheck._speedups",
    "Compiled inner loops of padcheck; without this module padcheck computes the same in numpy.",
    -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    crc_init();
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "MAX_BITS", MAX_BITS) < 0) Py_CLEAR(m);
    return m;
}

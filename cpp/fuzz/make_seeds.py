#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (cpp/fuzz/corpus/<target>/) and their dictionaries.

The seeds are small hand-written texts (the project's own sentences, not copied from any data set)
and hostile inputs: runs of combining marks, links written back to back, nested tags and
entities, NFD Vietnamese, Lao / Thai / Khmer / Myanmar / CJK runs, invalid UTF-8, NUL bytes.
Each target reads a few option bytes first (see the header of each fuzz_*.cpp); the seeds put
several option values in front of each text. Run again after changing this file:

    python3 cpp/fuzz/make_seeds.py
"""

import hashlib
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SEP = b"\x1e"  # document separator of the clean, names and count targets

TEXTS = {
    "vi_nfc": "Tỉnh uỷ Kon Tum làm việc tại cửa khẩu Bờ Y. Hoà bình, TỈNH UỶ, qúy, gìa, thuỷ, khoẻ.",
    "vi_nfd": "Vie\u0323\u0302t Nam ho\u031b\u0323p ta\u0301c kinh te\u0302\u0301 vo\u031b\u0301i La\u0300o.",
    "names": 'Đoàn tỉnh Kon Tum thăm tỉnh Ắt-ta-pư (Lào). Ông Lê Ngọc Tuấn nói: "Attapư và Attapu là một."',
    "lao": "ສະບາຍດີ ປະເທດລາວ ແຂວງອັດຕະປື",
    "thai": "ประเทศไทยสวัสดีครับ COVID19ระบาด",
    "khmer": "ព្រះរាជាណាចក្រកម្ពុជា ភ្នំពេញ",
    "myanmar_cjk": "မြန်မာနိုင်ငံ 中文日本語カタカナひらがな",
    "links": "Xem https://bao.vn/tin/a-b.html, www.vn.vn/x và lien.he@bao.vn ([nguồn](http://a.vn/x)).",
    "markdown": "![ảnh](http://x.vn/a.jpg)\n[Tin chính](https://a.vn/b) ở đây.\n| Ảnh: TTXVN |\nẢnh: tư liệu",
    "html": "<p>Đoạn <b>một</b> &amp; &#769;hai &#x1F600; &nbsp;&hellip;</p><!-- x --> a<b và c>d",
    "furniture": "Trang chủ\r\nThời sự\r\nBão số 4 đổ bộ vào Quảng Trị, gây mưa lớn ở nhiều nơi trong tỉnh và các vùng lân cận.\r\n"
    "Tin liên quan\r\nMưa lớn\r\nLũ về\r\nĐường ngập",
    "numbers": "Năm 2024 có 1.234 ca, ٣٤ và ⅷ; x_y_z 12ab ²³",
    "mixed_case": "İstanbul ǅemal ẞtraße Σίσυφος ΌΣΟΣ ﬁnal K\u212a",
    "spaces": "a\u00a0b\u2003c\u3000d\te\f\vf\u200bg",
}

HOSTILE = {
    "marks_run": ("ư" + "\u0323\u0301" * 300).encode(),
    "marks_mixed": ("a" + "\u0301\u0323\u0300\u0309\u0303" * 60 + " b").encode(),
    "links_back_to_back": ("http://a.b/" * 60).encode(),
    "www_run": ("www.a" * 80).encode(),
    "at_run": ("a@" * 100 + "b.vn").encode(),
    "nested_brackets": ("[" * 80 + "x" + "](" * 40 + ")" * 80).encode(),
    "tags_open": ("<a" * 100).encode(),
    "entities": ("&#" + "9" * 12 + ";&#x110000;&#xD800;&#0;&amp" * 4).encode(),
    "invalid_utf8": b"a\xff\xfe\xc0\xaf\xed\xa0\x80\xe0\x80\xf4\x90\x80\x80\xc2 \xe1\xbb b\xed\xb2\x80",
    "truncated": "Việt".encode()[:-1] + b"\xe1",
    "nul": b"a\x00b\x00\x00 c\x00",
    "crlf_only": b"\r\n\r\r\n\n\r",
    "lone_marks": "\u0301\u0323 \u0300x".encode(),
    "surrogate_bytes": b"\xed\xa0\xbd\xed\xb8\x80",
    "long_syllable": ("nghiê\u0301ng" * 40).encode(),
    "thai_long": ("ก" * 300).encode(),
}


def all_texts():
    out = {k: v.encode() for k, v in TEXTS.items()}
    out.update(HOSTILE)
    return out


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{name}-{hashlib.sha1(data).hexdigest()[:8]}").write_bytes(data)


def corpus_docs(texts):
    """A few small corpora: the same article twice (a reprint), furniture shared across pages."""
    t = texts
    return {
        "corpus_vi": SEP.join([t["vi_nfc"], t["vi_nfd"], t["names"], t["vi_nfc"]]),
        "corpus_reprint": SEP.join([t["furniture"], t["furniture"], t["markdown"]]),
        "corpus_scripts": SEP.join([t["lao"], t["thai"], t["khmer"], t["myanmar_cjk"], b""]),
        "corpus_hostile": SEP.join([t["invalid_utf8"], t["nul"], t["links"], t["html"], t["entities"]]),
        "corpus_empty": SEP.join([b"", b"", b"..."]),
    }


def main():
    # Regenerate the generated seeds; reproducers of fixed failures (regression-*) stay.
    for f in (HERE / "corpus").glob("*/*"):
        if not f.name.startswith("regression-"):
            f.unlink()
    texts = all_texts()
    corpora = corpus_docs(texts)
    for name, data in texts.items():
        write("decode", name, b"\x00" + data)
        write("decode", name + "-enc", bytes([len(name) % 20]) + data)
        for opt in (0, 4):
            write("normalize", f"{name}-{opt}", bytes([opt]) + data)
        for opt in (0, 2, 0x1B):
            write("segment", f"{name}-{opt}", bytes([opt]) + data)
        for opt in (0x08, 0x1F):
            write("clean", f"{name}-{opt}", bytes([opt]) + data)
        write("names", name, bytes([len(name) % 4]) + data)
        write("count", name, b"\x00\x00\x00\xff" + data)
    for name, data in corpora.items():
        for opt in (0, 0x08, 0x1F):
            write("clean", f"{name}-{opt}", bytes([opt]) + data)
        for opt in (0, 1, 3):
            write("names", f"{name}-{opt}", bytes([opt]) + data)
        for opts in (
            b"\x00\x00\x00\xff",
            b"\x00\x07\x00\xaa",
            b"\x21\x16\x46\x0f",
            b"\x12\x68\x05\x00",
            b"\x00\x01\x02\xff",
        ):
            write("count", f"{name}-{opts.hex()}", opts + data)
    if (HERE / "fuzz_words.cpp").exists():  # the word stage's target: texts, then model files (0x80)
        for name, data in texts.items():
            write("words", name, bytes([len(name) % 4]) + data)
        for k in range(4):
            write("words", f"model-{k}", bytes([0x80]) + hashlib.sha256(b"model%d" % k).digest()[:12])
        write("words", "model-garbage", b"\x80" + b"MKWORDS\x00" + b"\x01\x00\x00\x00" + b"\xff" * 20)
    # similarity: option bytes, then row masks and value indices.
    for seed in range(24):
        rnd = hashlib.sha256(f"similarity-{seed}".encode()).digest() * 4
        write("similarity", f"random-{seed}", bytes([seed * 11 % 256, seed * 37 % 256]) + rnd[: 16 + seed * 4])
    write("similarity", "empty_rows", b"\x05\x00" + b"\x00" * 40)
    write("similarity", "explicit_zeros", b"\x47\x01" + b"\xff\x0f\x0c\x0c\x0c\x0c" * 8)

    dictionaries = {
        "text": [
            "://",
            "http://",
            "https://",
            "www.",
            "@",
            ".vn",
            "\u0301",
            "\u0323",
            "\u0300",
            "\u0309",
            "\u0303",
            "\u0302",
            "\u031b",
            "ư",
            "Đ",
            "\u00a0",
            "\r\n",
            "\n",
            "-",
            "_",
            "ສ",
            "ก",
            "ក",
            "中",
            b"\xff",
            b"\xed\xa0\x80",
            b"\x00",
        ],
        "clean": [
            "![",
            "](",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "</",
            "<!--",
            "&amp;",
            "&#",
            "&#x",
            ";",
            "|",
            "Ảnh:",
            "Tin liên quan",
            "Đọc nhiều",
            "\r\n",
            "\n",
            b"\x1e",
            "http://",
            "www.",
            "@",
            "\u0301",
        ],
    }
    for name, words in dictionaries.items():
        lines = ["# " + ("tokens the text targets look for" if name == "text" else "markup the cleaner reads")]
        for w in words:
            b = w if isinstance(w, bytes) else w.encode()
            lines.append('"' + "".join(f"\\x{c:02x}" for c in b) + '"')
        (HERE / f"{name}.dict").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

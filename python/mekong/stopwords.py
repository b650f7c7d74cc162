"""A built-in list of Vietnamese stop words: function words that carry little topic.

The list is the project's own: conjunctions, prepositions, particles, pronouns, copulas and
auxiliaries, quantifiers, demonstratives and adverbs of degree or time, as single syllables (the
unit the tokenizer produces) and, for use with phrases, a few multi-syllable function words joined
by "_". Content words that look functional in news but carry meaning are left out on purpose:
numbers and dates ("năm", "ngày", "tháng"), "người", "nước", "tỉnh", and negation ("không",
"chưa"), which changes what a sentence says.

Vietnamese news also carries English: an outlet's English edition, a quoted statement, a wire
story. Its function words ("the", "of", "and") carry no topic either, but in a Vietnamese
collection they are rare, so idf weights them up and two unrelated English articles look alike
(a fuel-price report and a trade fair scored cosine 0.30 on ``benchmarks/events-holdout4``). The
list therefore also holds :data:`ENGLISH_FUNCTION_WORDS`: English function words whose spelling
Vietnamese never writes as a syllable of its own. Those it does write are left out ("an" of An
Giang, "to" of to lớn, "so" of so với, "can", "do", "in", "no", "may", "than", "a", "i"), so the
Vietnamese terms stay as they were.

Use ``stop_words="vietnamese"`` in the vectorizers, or build on the set::

    from mekong.stopwords import VIETNAMESE_STOP_WORDS
    mine = VIETNAMESE_STOP_WORDS | {"theo_đó"}
"""

#: English function words that are no Vietnamese syllable: none of them occurs as a word in the
#: Vietnamese texts of the repository's labelled sets and the shared seed corpus (checked by
#: tests/test_stories.py when ../shared is present).
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    about after against all also and are at because been before being between both but by could
    does down during each for from had has have her here his how if into is it its more most must
    not now of off one only or other our out over own per said same says shall she should since
    some such that the their them these they this those through told two under until very was we
    were what when where which while who whom whose will with would yet you
    """.split()
)

_VIETNAMESE = frozenset(
    """
    à ạ ai ái anh ấy bà bởi các cái cả càng cần chỉ chiếc cho chớ chứ chúng có còn của cùng cũng
    dạ đã đang đây để đến đều điều do đó được gì hay hãy hết hoặc họ hơn khi kể khiến là lại lên
    liền lúc mà mỗi một mình này nào nay nên nếu ngay nhau nhé nhiều như nhưng những nơi nữa ở
    ông qua quá ra rằng rất rồi sau sẽ sự tại tất theo thì thế thôi thứ tôi trên trong từ từng
    và vẫn vào về vì với vừa xuống
    bị bằng cho_biết cho_rằng còn_nữa đồng_thời hiện_nay không_chỉ mà_còn ngoài_ra nhằm
    tuy_nhiên vì_vậy do_đó bên_cạnh_đó trong_khi trong_đó trước_đó sau_đó thông_qua
    """.split()
)

#: ``stop_words="vietnamese"``: the Vietnamese function words and :data:`ENGLISH_FUNCTION_WORDS`.
VIETNAMESE_STOP_WORDS = _VIETNAMESE | ENGLISH_FUNCTION_WORDS

__all__ = ["ENGLISH_FUNCTION_WORDS", "VIETNAMESE_STOP_WORDS"]

"""A built-in list of Vietnamese stop words: function words that carry little topic.

The list is the project's own: conjunctions, prepositions, particles, pronouns, copulas and
auxiliaries, quantifiers, demonstratives and adverbs of degree or time, as single syllables (the
unit the tokenizer produces) and, for use with phrases, a few multi-syllable function words joined
by "_". Content words that look functional in news but carry meaning are left out on purpose:
numbers and dates ("năm", "ngày", "tháng"), "người", "nước", "tỉnh", and negation ("không",
"chưa"), which changes what a sentence says.

Use ``stop_words="vietnamese"`` in the vectorizers, or build on the set::

    from mekong.stopwords import VIETNAMESE_STOP_WORDS
    mine = VIETNAMESE_STOP_WORDS | {"theo_đó"}
"""

VIETNAMESE_STOP_WORDS = frozenset(
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

__all__ = ["VIETNAMESE_STOP_WORDS"]

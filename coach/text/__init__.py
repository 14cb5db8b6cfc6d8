"""One text layer for every language the corpus speaks (en / ru / zh / fa).

Search, grading and the interview all read text through these functions, so a mixed-script
answer ("KV cache хранит ключи") gets the same language, words and stems everywhere.
"""

from coach.text.language import detect_lang
from coach.text.sentences import Span, sentences
from coach.text.tokens import content_terms, normalize, stem, words

__all__ = ["Span", "content_terms", "detect_lang", "normalize", "sentences", "stem", "words"]

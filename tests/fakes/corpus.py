"""A five-question corpus (ru, en+zh, fa MCQ), one lecture passage and two key entries."""

from __future__ import annotations

from coach.corpus.models import Kind, Passage, Question, Topic

MINI_QUESTIONS = [
    Question(
        id="ru-quiz-001",
        source="ru_llm_quiz_questions.md",
        line=1,
        lang="ru",
        section="Память при обучении",
        topic=Topic.QUANTIZATION,
        kind=Kind.NUMERIC,
        text="Сколько памяти потребуется для обучения 7B модели в формате FP32 "
        "с оптимизатором Momentum?",
    ),
    Question(
        id="ru-quiz-090",
        source="ru_llm_quiz_questions.md",
        line=90,
        lang="ru",
        section="KV Cache",
        topic=Topic.DECODING,
        text="Как KV Cache помогает ускорить генерацию текста?",
    ),
    Question(
        id="ru-nlp100-q70",
        source="ru_100_nlp_interview_questions.md",
        line=700,
        lang="ru",
        section="TOKENIZERS",
        topic=Topic.TOKENIZATION,
        text="Какой токенизатор используется в BERT, а какой в GPT?",
        answer="В BERT используется WordPiece, в GPT — byte-level BPE.\n\n"
        + "Пример кода:\n\n```python\nfrom transformers import AutoTokenizer\n"
        + "tok = AutoTokenizer.from_pretrained('bert-base-uncased')\n```\n\n"
        + "Словарь WordPiece строится по правдоподобию, BPE — по частоте пар. " * 12,
    ),
    Question(
        id="en-genai-001",
        source="en_zh_genai_interview_questions.md",
        line=5,
        lang="en",
        section="Generative Models",
        topic=Topic.GENERATIVE,
        text="What is the difference between generative and discriminative models?",
        text_zh="生成模型和判别模型有什么区别？",
    ),
    Question(
        id="fa-vlm-q1-1",
        source="fa_vlm_course_quizzes.md",
        line=5,
        lang="fa",
        section="کوئیز 1",
        topic=Topic.VLM,
        kind=Kind.MULTIPLE_CHOICE,
        text="کدام اندازه برای بردار (embedding) خروجی Vision Encoder و Text Encoder "
        "در CLIP صحیح است؟",
        options=["128", "256", "512", "1024"],
    ),
]
MINI_PASSAGES = [
    Passage(
        id="ru-lecture-001",
        source="ru_generative_nlp_lecture.md",
        line=3,
        lang="ru",
        section="Attention",
        heading="Механизм внимания",
        text="Механизм внимания\n\nSelf-attention вычисляет веса между всеми парами "
        "токенов последовательности: softmax(QK^T / sqrt(d)) V.",
    ),
]
MINI_KEY = [
    {
        "id": "ru-quiz-090",
        "text_en": "How does the KV cache speed up text generation?",
        "reference_en": "During autoregressive decoding the keys and values of earlier tokens do "
        "not change, so they are cached and only the new token is computed.",
        "key_points": [
            {
                "text": "Keys and values of past tokens are stored and reused.",
                "weight": 0.6,
                "alt": ["reuse K and V", "кэш ключей и значений"],
            },
            {
                "text": "Each step computes attention only for the new token.",
                "weight": 0.4,
                "alt": ["only the last token", "только новый токен"],
            },
        ],
        "difficulty": "junior",
    },
    {
        "id": "fa-vlm-q1-1",
        "text_en": "Which embedding size is correct for the output vectors "
        "of the CLIP vision and text encoders?",
        "options_en": ["128", "256", "512", "1024"],
        "reference_en": "CLIP ViT-B/32 projects both encoders into a shared 512-dimensional space.",
        "key_points": [
            {
                "text": "Both encoders output 512-dimensional embeddings.",
                "weight": 1.0,
                "alt": ["512", "۵۱۲ بعدی"],
            }
        ],
        "difficulty": "junior",
        "correct_option": 3,
        "justification": "ViT-B/32 uses 512.",
    },
]

"""What the rule-driven interviewer says, in each interview language.

Kept apart from prompts/ on purpose: these strings go to the candidate, not to a model.
"""

from __future__ import annotations

from typing import Any

_TEXT: dict[str, dict[str, str]] = {
    "follow_up": {
        "en": "A follow-up on the previous question: {text}",
        "ru": "Уточняющий вопрос к предыдущему: {text}",
        "zh": "针对上一题的追问：{text}",
        "fa": "سؤال تکمیلی دربارهٔ سؤال قبلی: {text}",
    },
    "probe": {
        "en": "Your answer did not cover one aspect. What can you say about: {point}?",
        "ru": "В ответе не хватило одного аспекта. Что вы можете сказать про: {point}?",
        "zh": "你的回答遗漏了一个方面。关于“{point}”你能说些什么？",
        "fa": "پاسخ شما یک جنبه را پوشش نداد. دربارهٔ «{point}» چه می‌توانید بگویید؟",
    },
    "skipped": {
        "en": "Skipped. It goes on your review list.",
        "ru": "Пропускаем. Вопрос попадёт в список на повторение.",
        "zh": "已跳过，这道题会加入复习列表。",
        "fa": "رد شد. این سؤال به فهرست مرور اضافه می‌شود.",
    },
    "no_hint": {
        "en": "No more hints for this question.",
        "ru": "Подсказок к этому вопросу больше нет.",
        "zh": "这道题没有更多提示了。",
        "fa": "راهنمایی دیگری برای این سؤال نیست.",
    },
    "hint_terms": {
        "en": "Think about: {terms}.",
        "ru": "Подумайте о: {terms}.",
        "zh": "想一想：{terms}。",
        "fa": "به این فکر کنید: {terms}.",
    },
    "hint_point": {
        "en": "A strong answer mentions that {point}",
        "ru": "Сильный ответ упоминает, что {point}",
        "zh": "好的回答会提到：{point}",
        "fa": "یک پاسخ خوب اشاره می‌کند که {point}",
    },
    "hint_option": {
        "en": "It is not option {option}.",
        "ru": "Это не вариант {option}.",
        "zh": "不是选项 {option}。",
        "fa": "گزینهٔ {option} نیست.",
    },
    "reference": {
        "en": "Reference answer: {text}",
        "ru": "Эталонный ответ: {text}",
        "zh": "参考答案：{text}",
        "fa": "پاسخ مرجع: {text}",
    },
    "no_reference": {
        "en": "The answer key has no reference for this question yet.",
        "ru": "В ключе пока нет эталонного ответа на этот вопрос.",
        "zh": "答案库里还没有这道题的参考答案。",
        "fa": "هنوز پاسخ مرجعی برای این سؤال در کلید نیست.",
    },
    "harder": {
        "en": "Harder questions from now on ({level}).",
        "ru": "Дальше вопросы сложнее ({level}).",
        "zh": "接下来题目会更难（{level}）。",
        "fa": "از این به بعد سؤال‌ها سخت‌تر می‌شوند ({level}).",
    },
    "easier": {
        "en": "Easier questions from now on ({level}).",
        "ru": "Дальше вопросы проще ({level}).",
        "zh": "接下来题目会更简单（{level}）。",
        "fa": "از این به بعد سؤال‌ها آسان‌تر می‌شوند ({level}).",
    },
    "topic": {
        "en": "Questions about {topic} from now on.",
        "ru": "Дальше вопросы по теме «{topic}».",
        "zh": "接下来的问题关于 {topic}。",
        "fa": "از این به بعد سؤال‌ها دربارهٔ {topic} است.",
    },
    "topic_exhausted": {
        "en": "No unasked questions left on {topic}; continuing with other topics.",
        "ru": "Вопросы по теме «{topic}» закончились; продолжаем с другими темами.",
        "zh": "{topic} 的题目已经问完，继续其他主题。",
        "fa": "سؤال دیگری دربارهٔ {topic} نمانده؛ با موضوعات دیگر ادامه می‌دهیم.",
    },
    "nothing_found": {
        "en": "I found no unasked question about “{phrase}”.",
        "ru": "Не нашёл незаданного вопроса про «{phrase}».",
        "zh": "没有找到关于“{phrase}”的新问题。",
        "fa": "سؤال تازه‌ای دربارهٔ «{phrase}» پیدا نکردم.",
    },
    "empty_answer": {
        "en": "Type your answer, or: hint, skip, explain, harder, easier, stop.",
        "ru": "Напишите ответ или: подсказка, пропустить, объясни, сложнее, проще, стоп.",
        "zh": "请输入答案，或者：提示、跳过、解释、更难、更简单、结束。",
        "fa": "پاسخ خود را بنویسید، یا: راهنمایی، رد کن، توضیح بده، سخت‌تر، آسان‌تر، پایان.",
    },
    "truncated": {
        "en": "The answer was longer than {limit} characters; only the first {limit} are graded.",
        "ru": "Ответ длиннее {limit} символов; оцениваются только первые {limit}.",
        "zh": "回答超过 {limit} 个字符，只评分前 {limit} 个字符。",
        "fa": "پاسخ بیش از {limit} نویسه بود؛ فقط {limit} نویسهٔ اول ارزیابی می‌شود.",
    },
    "late": {
        "en": "Answered in {seconds:.0f} s, past the {limit} s limit: graded, and marked late.",
        "ru": "Ответ за {seconds:.0f} с, дольше лимита {limit} с: оценён и отмечен как поздний.",
        "zh": "用时 {seconds:.0f} 秒，超过 {limit} 秒的限制：照常评分，并标记为超时。",
        "fa": "پاسخ در {seconds:.0f} ثانیه، بیش از سقف {limit} ثانیه: ارزیابی شد و دیرکرد ثبت شد.",
    },
    "timing": {
        "en": "Time per answer: {mean:.0f} s on average; {late} after the {limit} s limit.",
        "ru": "Время на ответ: в среднем {mean:.0f} с; после лимита {limit} с: {late}.",
        "zh": "每题平均用时 {mean:.0f} 秒；超过 {limit} 秒限制的有 {late} 题。",
        "fa": "زمان هر پاسخ: به‌طور میانگین {mean:.0f} ثانیه؛ {late} پاسخ پس از سقف {limit} ثانیه.",
    },
    "finished": {
        "en": "The interview is over. Start a new one with `coach interview`.",
        "ru": "Интервью закончено. Новое: `coach interview`.",
        "zh": "面试已结束。用 `coach interview` 开始新的面试。",
        "fa": "مصاحبه تمام شد. برای مصاحبهٔ تازه: `coach interview`.",
    },
    "nothing_left": {
        "en": "No unasked questions match these settings.",
        "ru": "Не осталось незаданных вопросов с такими настройками.",
        "zh": "没有符合这些设置的新问题了。",
        "fa": "سؤال تازه‌ای با این تنظیمات باقی نمانده است.",
    },
    "summary": {
        "en": "Answered {answered}, skipped {skipped}, hints {hints}; mean score {mean}.",
        "ru": "Отвечено {answered}, пропущено {skipped}, подсказок {hints}; средний балл {mean}.",
        "zh": "已回答 {answered}，跳过 {skipped}，提示 {hints}；平均分 {mean}。",
        "fa": "پاسخ‌داده {answered}، ردشده {skipped}، راهنمایی {hints}؛ میانگین نمره {mean}.",
    },
    "strengths": {
        "en": "Strong: {topics}.",
        "ru": "Сильные темы: {topics}.",
        "zh": "强项：{topics}。",
        "fa": "نقاط قوت: {topics}.",
    },
    "to_review": {
        "en": "Worth reviewing: {topics}.",
        "ru": "Стоит повторить: {topics}.",
        "zh": "值得复习：{topics}。",
        "fa": "ارزش مرور دارد: {topics}.",
    },
}


def say(key: str, lang: str, **values: Any) -> str:
    """The message `key` in `lang` (English when there is no rendering)."""
    variants = _TEXT[key]
    return variants.get(lang, variants["en"]).format(**values)

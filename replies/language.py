"""Which language a review is written in: Hindi (Devanagari), Hinglish (romanised) or English."""

from __future__ import annotations

import re

from replies.model import Language

# Romanised Hindi words common in reviews. Words that are also everyday English ("main",
# "to", "hi", "the", "do", "tab", "par", "me") are left out so English is not misread.
_HINGLISH = """
    hai hain tha thi hua hui hue ho hoga hogi hoge nahi nahin nhi nai
    kya kyaa kyu kyun kyon kab kaise kaisa kaisi kitna kitne kitni kaun kahan kidhar
    mera meri mere mujhe mujhko hum humko humne hamara hamari aap aapka aapki aapke apka apki
    apke tum tumhara yeh ye woh wo yaha yahan waha wahan isko usko inka unka
    ka ki ke ko se ne pe mein mai bhi aur lekin sirf bas abhi tak koi kuch sab sabse
    karo karna karke kar kiya kiye karte karta karti karunga diya diye dena liya lena
    gaya gayi gaye raha rahi rahe mila mili mile aaya aayi aaye aya ayi bola bole bolke
    paisa paise paisaa rupay rupaye bhai bhaiya bhaisaab yaar ji accha acha achha achchha
    theek thik sahi galat bekar bakwas bekaar badhiya badiya bahut bohot bahot jyada zyada kam
    jaldi der din kal aaj baar phir fir dobara wala wale wali dhokha chor jhooth pura poora
    chahiye chaiye milega milegi dijiye kijiye karwana hota hoti hote samajh pata bilkul
"""
HINGLISH_WORDS = frozenset(_HINGLISH.split())
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str) -> Language:
    """'hi' when at least a fifth of the letters are Devanagari; 'hinglish' when romanised Hindi
    words make up enough of the text (two or more, or a quarter of the words); else 'en'."""
    letters = len(_LETTER.findall(text))
    if letters and len(_DEVANAGARI.findall(text)) * 5 >= letters:
        return "hi"
    words = _WORD.findall(text.casefold())
    hits = sum(1 for word in words if word in HINGLISH_WORDS)
    if hits >= 2 or (hits and hits * 4 >= len(words)):
        return "hinglish"
    return "en"

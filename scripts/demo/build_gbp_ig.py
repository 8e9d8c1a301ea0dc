"""Write the Google Business Profile and Instagram demo payloads for the fictional brand "Resello".

Every review, comment and reply below was written by hand, one person at a time. The script only
wraps them in the platform envelope (names, ids, timestamps, paging) using a seeded random
generator, so two runs give byte-identical files.

    python scripts/demo/build_gbp_ig.py   # writes inbox/demo/data/{gbp,gbp_earlier,instagram}.json
    python scripts/demo/check_gbp_ig.py     # counts and shape checks (also run at the end here)

GBP entry:  (stars, lang, author, text, opts)        text None = rating-only review
IG comment: (username, lang, text, opts)
lang is "en", "hg" (Hinglish, romanized), "hi" (Devanagari), "ur" (Urdu script), "te" (romanized
Telugu) or "x" (emoji / tags only) - bookkeeping for the report, never written to a payload.
opts keys:
    esc    - why CX must see it (printed in the report, not written to the payload)
    reply  - the brand's reply (GBP reviewReply / IG reply by resello.in)
    tr     - GBP: Google's English translation; the comment gets the "(Translated by Google)" block
    trlay  - GBP: "original-first" for Google's other layout
    edit   - GBP: {"stars", "text", "days"[, "reply"]}: the first version, posted `days` before
             the current one; its reply (if any) was written before the edit and is kept
    anon   - GBP: anonymous reviewer (no name, no photo)
    spam   - spam / promotion (IG spam may also be hidden)
    hidden - IG: hidden by the brand
    likes  - IG like_count (default small random)
    thread - IG: [(username, text), ...] replies by other users, in time order
The lists are newest first; a "BAND a-b" marker puts the entries after it between a and b hours
before END ("AFTER a-b" on Instagram: a to b hours after the post went up).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import runpy
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "inbox" / "demo" / "data"

START = datetime(2026, 8, 27, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # newest item sits just before this
IST = timezone(timedelta(hours=5, minutes=30))

GBP_ACCOUNT = "accounts/11223344556677889900"
LOCATIONS = {
    "4501": "Resello Store – Koramangala, Bengaluru",
    "4502": "Resello Store – Andheri West, Mumbai",
    "4503": "Resello Store – Connaught Place, New Delhi",
}
IG_USER_ID = "17841400000000001"
IG_USERNAME = "resello.in"
GRAPH = "https://graph.facebook.com/v25.0"

# =============================================================================================
# Google Business Profile reviews, newest first, per location.
# =============================================================================================

KORAMANGALA = [
    "BAND 0.5-21",
    (
        1,
        "en",
        "Nikhil Rao",
        "Walked in at 6:40 pm, got token 14. Left at 8:05 without anyone even looking at my phone. "
        "2 people at the counter during evening rush?? Fix your staffing.",
        {},
    ),
    (
        5,
        "hg",
        "Faizan Ahmed",
        "Imran bhai ne 10 min me sab kar diya. App pe Redmi Note 12 ka 7200 dikha raha tha, store pe "
        "7500 mila 😄 cash bhi turant haath me",
        {},
    ),
    "BAND 25-70",
    (
        2,
        "en",
        "Shreya Iyer",
        "App showed ₹31,500 for my iPhone 13 128GB. Store offered 26k because battery health is 84%. "
        "The app never asked about battery health! Either ask it in the app or don't show a number "
        "you won't honour.",
        {},
    ),
    (4, "en", "Vivek Shetty", None, {}),
    "BAND 74-165",
    (
        5,
        "en",
        "Ananya Bhat",
        "Bought a refurbished Pixel 7 here last week. Karthik showed me the battery cycle count and did "
        "the IMEI check on his laptop in front of me before billing. Warranty card + bill given. So far "
        "so good.",
        {},
    ),
    (
        1,
        "en",
        "Rohan D'Souza",
        "Sold my Samsung S21 at this store on the 14th. The guy at the counter said they will factory "
        "reset it \"inside\". I asked him to do it in front of me and he said don't worry sir, it's the "
        "process. Two days ago I got a Google alert: new sign-in to my account from a Samsung device in "
        "Bengaluru. My WhatsApp Web was also active on a laptop I don't own. Someone went through my "
        "phone before it was wiped. I've changed every password and reported it on cybercrime.gov.in. "
        "I want a written reply from Resello on who accessed my phone and what was copied.",
        {
            "esc": "data privacy: sold phone accessed before the wipe (Google sign-in, WhatsApp Web); "
            "cybercrime report filed"
        },
    ),
    (
        3,
        "hg",
        "Aditya Saxena",
        "Price theek tha but 45 min wait karna pada. AC bhi band tha andar. Staff polite tha, isliye 3",
        {},
    ),
    "BAND 170-720",
    (
        5,
        "en",
        "Prateek Jain",
        "Quick and hassle free. Sold my old OnePlus 8, money was on UPI before I walked out of the "
        "store.",
        {
            "reply": "Thanks Prateek! Happy the UPI payment came through instantly. Hope to see you when "
            "it's time to upgrade again. – Team Resello Koramangala"
        },
    ),
    (
        4,
        "en",
        "Harsha Vardhan",
        "UPDATE: came back the next day before 8, Imran sorted it out in 15 min and I got the app "
        "price. Timings on Maps are correct now as well. Moving this from 1 to 4 stars.\n\n(old "
        "review: reached at 8:20, Maps said open till 9, shutter was down. Came from Whitefield in "
        "traffic for nothing.)",
        {
            "edit": {
                "stars": 1,
                "days": 3,
                "text": "Maps says open till 9 pm. Reached at 8:20, shutter down. Security guy said "
                '"timing change ho gaya". Please update your Google listing, I came all the '
                "way from Whitefield in peak traffic for this.",
                "reply": "Hi Harsha, we're really sorry about the wasted trip. Our store hours "
                "changed to 10 am – 8 pm last month and the listing wasn't updated. That's "
                "on us, and it's fixed now. If you visit again, ask for Imran or me and "
                "we'll take your phone first. – Divya, Store Manager",
            }
        },
    ),
    (
        5,
        "hi",
        "Ramesh Chandra Gupta",
        "बहुत अच्छा अनुभव रहा। इमरान जी ने पूरा फोन मेरे सामने रीसेट किया और पैसे तुरंत UPI पर भेज दिए। धन्यवाद",
        {
            "tr": "It was a very good experience. Imran ji reset the whole phone in front of me and sent "
            "the money immediately on UPI. Thank you",
            "reply": "रमेश जी, आपके भरोसे के लिए बहुत धन्यवाद 🙏 इमरान को आपकी बात ज़रूर बताएँगे। "
            "– टीम रीसेलो",
        },
    ),
    (
        4,
        "en",
        "Sanjana Murthy",
        "Good place to buy refurbished iPhones. Slightly pricier than online listings but you can "
        "actually hold the phone and check it before paying. Got an 11 Pro for 24.5k",
        {},
    ),
    (
        2,
        "hg",
        "Deepak Chauhan",
        "Mera iPhone XR ka app pe 9800 bola, yaha aake bole 7000 kyunki screen pe line hai. Bhai wo "
        "line screen guard pe thi 🤦‍♂️ guard nikal ke dikhaya tab 9000 pe aaye. Aise kaun karta hai",
        {
            "reply": "Hi Deepak, sorry about this. The check should always be done with the screen guard "
            "removed, and we've shared your feedback with the team. If the condition matched "
            "your answers in the app, the price should match the quote too. Please DM us your "
            "quote ID and we'll look into the ₹800 difference."
        },
    ),
    (
        5,
        "en",
        "Meghna Rao",
        "Divya (store manager) went out of her way to move all my data to the new phone. Didn't expect "
        "that from a resale store honestly.",
        {"reply": "Thank you so much Meghna! Passing this on to Divya 😊"},
    ),
    (1, "en", "Arvind Kumar", None, {}),
    (5, "x", "Tejas N", "👍👍", {}),
    (
        3,
        "en",
        "Kavya Reddy",
        "Parking is a nightmare. 80 Feet Road, zero space, had to park near Sony signal and walk back. "
        "The store experience itself was fine.",
        {
            "reply": "Hi Kavya, thanks for the honest review. Parking on 80 Feet Road is tough, we know. "
            "There's paid parking in the basement of the building next door (entry from 5th "
            "Cross), and our staff can guide you next time."
        },
    ),
    (
        1,
        "en",
        "QuickCash Mobiles",
        "Best price for old phones in Bangalore!!! We pay 20% more than Resello. Call/WhatsApp "
        "98450-XXXXX QuickCash Mobiles, free doorstep pickup same day",
        {"spam": True},
    ),
    (
        5,
        "hg",
        "Salman Khan Pathan",
        "Bhai log trust karo, mast jagah hai. Mera 5 saal purana Vivo bhi le liya jab koi nahi le raha "
        "tha 😂",
        {},
    ),
    (
        4,
        "en",
        "Rachana Hegde",
        "Staff was helpful. Payment took about 3 hours to reflect since it was a bank transfer, but "
        "they told me that upfront so no complaints.",
        {
            "reply": "Thanks Rachana! Bank transfers (IMPS/NEFT) can take a few hours, glad the team set "
            "the right expectation. See you again!"
        },
    ),
    (
        1,
        "hg",
        "Vikas Yadav",
        'Price pe thodi behas hui to security wala beech me aa gaya aur bola "zyada bakwas mat kar, '
        'bahar nikal". Haath pakad ke bahar le gaya mujhe. Customer ke saath aisa behaviour?? Video '
        "hai mere paas. Reply nahi aaya to police complaint karunga",
        {
            "esc": "customer physically removed by the security guard; police complaint threat",
            "reply": "Vikas ji, this should never have happened and we apologise. The guard has been taken "
            "off duty at this store while we review the CCTV. Our regional manager will call "
            "you today on the number linked to your quote. Please also DM us the video so it "
            "is part of the inquiry.",
        },
    ),
    (
        5,
        "en",
        "Ganesh Prabhu",
        "Good experience. Karthik explained the grading (A/B/C) clearly and didn't push me to buy the "
        "costlier one.",
        {},
    ),
    (
        2,
        "en",
        "Sourav Banerjee",
        'Offer at the store was ₹2,000 less than the app. When I showed the app, the guy said "app '
        'price is for pickup, store price is different". Then why does the app say "or visit a '
        'store"? 2 stars because they were polite about it at least.',
        {
            "reply": "Hi Sourav, the app quote is the same at our stores and at doorstep pickup, so what "
            "you were told is wrong and we've clarified it with the team. Please DM your quote "
            "ID; if the device condition matched, we'll honour the app price."
        },
    ),
    (5, "hi", "सुनीता देवी", "सर्विस अच्छी है, स्टाफ भी अच्छा है", {}),
    (
        1,
        "en",
        "Naveen Gowda",
        'Bought a refurbished iPhone 12 with a "6 month warranty". Face ID stopped working in 5 '
        "weeks. Now they're saying physical damage so warranty void. There is NO damage on the phone. "
        "Very disappointed.",
        {
            "reply": "Hi Naveen, sorry to hear about the Face ID issue. A warranty rejection should always "
            "come with the technician's report and photos. Please DM us your invoice number and "
            "a senior technician will re-check the claim this week."
        },
    ),
    (5, "en", "Lakshmi Narayanan", None, {}),
    (
        4,
        "hg",
        "Ritika Arora",
        "Achha hai but 1 ghanta wait me paani tak nahi poocha 😅 baaki sab badhiya",
        {},
    ),
    (
        5,
        "hg",
        "Mohit Sharma",
        "Papa ka purana Samsung J7 becha (haan wo abhi bhi chalta tha lol). ₹1,100 mile, drawer me "
        "pada rehne se to achha hai",
        {},
    ),
    "BAND 725-2150",
    (
        3,
        "en",
        "Aniket Deshpande",
        "Long review because I think people should know the full story before buying here.\n\n"
        "I bought a refurbished iPhone 13 (Grade A, 128GB, blue) from this store in July for ₹38,999. "
        "The phone looked brand new, battery health was 91%, I got a proper GST bill and a 6 month "
        "warranty card. No complaints there.\n\n"
        "In the third week the earpiece started crackling on calls. Went back, Karthik checked it and "
        "agreed it was a hardware fault. They kept the phone and said 5-7 working days. It took 17 "
        'days. I called the store around 6 times and customer care twice, and every time it was "it '
        'is with the service team sir". Nobody called me even once on their own.\n\n'
        "When I finally got it back the earpiece was fine, but there was a new scratch near the camera "
        "bump that was not there before. To be fair, Divya (the manager) accepted it immediately, gave "
        "me a free case + tempered glass and extended the warranty by 2 months.\n\n"
        "So: the phones are good and the people at the counter are honest, but the warranty process "
        "behind them is slow and nobody owns it. If you buy here, take photos of your phone from all "
        "sides before you hand it in for repair. 3 stars for now, will update if it lasts.",
        {
            "reply": "Hi Aniket, thank you for taking the time to write this, it's fair feedback. 17 days "
            "is far too long for an earpiece repair and you shouldn't have had to chase us. "
            "We've since moved warranty repairs for this store to a partner in HSR Layout with "
            "a 7-day turnaround and an SMS update at every step. Your extended warranty is "
            "registered till March. – Divya, Store Manager"
        },
    ),
    (5, "hi", "प्रदीप सिंह", "स्टाफ का व्यवहार बहुत अच्छा था, पूरा प्रोसेस आराम से समझाया।", {}),
    (
        1,
        "hg",
        "Rahul Tiwari",
        "Jhoota app quote. 24k dikha ke 15k offer kiya. Time waste",
        {
            "reply": "Hi Rahul, sorry the offer was so far from your quote. A gap like that should always "
            "come with a clear reason; the inspection report lists every deduction. Please DM "
            "your quote ID and our team will review the inspection."
        },
    ),
    (
        5,
        "hi",
        "अनिल शर्मा",
        "फोन बेचने का सबसे आसान तरीका। 20 मिनट में सब हो गया।",
        {"tr": "The easiest way to sell a phone. Everything was done in 20 minutes."},
    ),
    (2, "en", "Chaitra S", None, {}),
    (
        5,
        "en",
        "Rakesh Nair",
        "Third time selling here (yes I change phones too often 🙈). Always consistent. Imran "
        "remembers me now lol",
        {"reply": "Haha, you're a regular now Rakesh! Imran says hi 👋"},
    ),
    (
        4,
        "en",
        "Farhan Qureshi",
        "Good, but cash at the counter is capped at ₹10k, rest goes by bank transfer. Would be nice "
        "if that was mentioned on the website.",
        {
            "reply": "Thanks for the feedback Farhan. You're right, the cash limit should be clearer, and "
            "we're adding it to the store page. Appreciate you pointing it out!"
        },
    ),
    (
        1,
        "en",
        "Sameer Joshi",
        "They refused to buy my phone because it's \"iCloud locked\". It's MY phone, I just forgot the "
        "Apple ID password. Useless.",
        {
            "reply": "Hi Sameer, we understand the frustration. We can't accept any device with "
            "Activation Lock on, and that protects owners too. Apple can remove the lock if you "
            "show proof of purchase. Once it's off, we'll be glad to give you a quote."
        },
    ),
    (
        5,
        "hg",
        "Nitin Pawar",
        "Maine apna Galaxy S20 FE becha, achha rate mila. Staff ka behaviour bhi badhiya tha. "
        "Recommend karunga 👌",
        {},
    ),
    (
        3,
        "en",
        "Ishaan Kapoor",
        'Refurb phones are decent but the "Grade B" one I looked at had a visible yellow patch on the '
        "display. Didn't buy.",
        {},
    ),
    (5, "en", None, "Smooth process.", {"anon": True}),
    (
        1,
        "en",
        "Priyanka Das",
        "Staff was on their phones the whole time and ignored the customers waiting. One guy was "
        "eating lunch at the counter.",
        {
            "reply": "Hi Priyanka, that's not the experience we want anyone to have. We've spoken to the "
            "team about it. Thank you for telling us."
        },
    ),
    (5, "hi", "किशोर पांडे", "अच्छा है 👍", {}),
    (4, "hi", "मनोज कुमार", "अच्छा स्टोर है लेकिन पार्किंग की बहुत दिक्कत है।", {}),
    (
        5,
        "en",
        "Joel Fernandes",
        "Karthik is a gem. Fixed a settings issue on my refurbished phone that wasn't even their "
        "fault.",
        {"reply": "Thank you Joel! Karthik will be very happy to read this 😊"},
    ),
    (
        2,
        "hg",
        "Neha Bisht",
        "Refurb phone liya tha, box me charger nahi tha. Bola alag se lena padega ₹1,499 ka. Ye to "
        "pehle batana chahiye tha na",
        {
            "reply": "Hi Neha, you're right, the team should have told you before billing that "
            "refurbished phones come without a charger. Please visit the store with your "
            "invoice and we'll give you one at no cost. Sorry about this."
        },
    ),
    (5, "en", "Abhishek Patil", None, {}),
    (
        1,
        "en",
        "Varun Hegde",
        "Called the store number on Google 5 times, nobody picks up. Finally had to go in person just "
        "to ask about my warranty claim status.",
        {},
    ),
    (
        5,
        "hg",
        "Shweta Mishra",
        "Ekdum smooth. Data wipe bhi mere saamne kiya aur certificate bhi diya 👍",
        {},
    ),
    (
        4,
        "en",
        "Siddharth Menon",
        "Decent prices for sellers. As a buyer you can get better deals on OLX if you have patience, "
        "but here you get a warranty and a bill.",
        {},
    ),
    (
        1,
        "hi",
        "राजेश वर्मा",
        "बहुत घटिया अनुभव। ऐप में कुछ और, दुकान में कुछ और।",
        {
            "tr": "Very bad experience. Something else in the app, something else in the shop.",
            "reply": "राजेश जी, असुविधा के लिए हमें खेद है। ऐप और स्टोर की कीमत में अंतर सिर्फ़ फोन की "
            "जाँच के आधार पर होना चाहिए। कृपया अपना क्वोट आईडी DM करें, हम इसकी जाँच करेंगे।",
        },
    ),
    (
        5,
        "en",
        "Shalini Rao",
        "Went in with my mom to sell her old phone and buy her a refurbished one. The staff was so "
        "patient with all her questions and even set up WhatsApp for her ❤️",
        {"reply": "This made our day, Shalini! Please tell your mom she's welcome anytime ❤️"},
    ),
    (3, "en", "Gautam S", "Fine.", {}),
    (5, "hg", "Vishal Agarwal", "2 phone ek saath beche, 500 ka bonus bhi mila. nice", {}),
    (
        2,
        "hg",
        "Ankita Sen",
        'Sirf 500 rupay ke difference ke liye "manager approval" ka wait karwaya. 30 minute!!',
        {},
    ),
    (
        5,
        "hg",
        "Arjun Gowda",
        "Store wale bhaiya log mast hai, fast kaam. Next time bhi yahi aunga",
        {},
    ),
    (
        1,
        "hg",
        "Karan Malhotra",
        'Sabse bekaar. Phone ko "inspection" ke naam pe 40 min andar le gaye. Customer ke saamne '
        "check kyu nahi karte??",
        {
            "reply": "Hi Karan, we hear you. Inspections are meant to happen at the counter in front of "
            "you; that's our policy and we've reminded the team. Sorry for the 40-minute "
            "wait."
        },
    ),
    (
        5,
        "en",
        "Nandini Pillai",
        "Came for a battery check on the refurbished phone I bought in August, done in 15 mins, free "
        "under warranty. Thanks Pooja!",
        {},
    ),
]

ANDHERI = [
    "BAND 1-20",
    (
        1,
        "hg",
        "Sandeep Mhatre",
        "16 Nov ko store pe phone diya (iPhone 14 Pro), bola 24 ghante me NEFT aa jayega. Aaj tak ek "
        'rupya nahi aaya. Receipt hai, Rohit ne sign kiya tha. Roz call karta hu, bolte hai "finance '
        'team dekh rahi hai". ₹42,000 ka phone tha. Kal tak paisa nahi aaya to consumer court jaunga, '
        "saare documents ready hai.",
        {
            "esc": "money not received 8-9 days after handing over an iPhone 14 Pro at the store "
            "(₹42,000); consumer court threat"
        },
    ),
    "BAND 25-70",
    (
        5,
        "en",
        "Zoya Merchant",
        "Sachin at the Andheri store sorted out a messed up app order in 10 mins. Respect 🙌",
        {},
    ),
    (
        4,
        "hg",
        "Kunal Shetty",
        "Badhiya experience. Bas Lokhandwala me parking ka lafda hai, bike bhi mushkil se lagi.",
        {},
    ),
    "BAND 74-165",
    (
        5,
        "hi",
        "सुरेश पाटील",
        "अंधेरी स्टोर का स्टाफ बहुत विनम्र है। मेरे पापा का पुराना फोन लिया और पूरा डेटा हमारे सामने डिलीट किया।",
        {
            "tr": "The staff at the Andheri store is very polite. They took my father's old phone and "
            "deleted all the data in front of us."
        },
    ),
    (
        2,
        "en",
        "Aakash Gupta",
        "The refurbished OnePlus 10R I bought heats up like crazy on video calls. Went back, they said "
        "it's \"normal for this model\". It isn't, my friend has the same phone and his doesn't.",
        {
            "edit": {
                "stars": 3,
                "days": 9,
                "text": "Bought a refurbished OnePlus 10R. Phone is good, gets a bit warm on long "
                "video calls. Let's see.",
            }
        },
    ),
    "BAND 170-720",
    (
        1,
        "en",
        "Mehul Thakkar",
        'Bought a "Grade A refurbished" iPhone 14 here for ₹52,500. Took it to the Apple service '
        "centre for a battery question and they told me the display is non-genuine and the back glass "
        "has been replaced. Nobody at the store mentioned this and the invoice literally says "
        '"original parts, Grade A". This is cheating. The store refuses a refund and keeps saying '
        '"we\'ll check". My lawyer is sending a legal notice this week.',
        {
            "esc": "fraud accusation: non-genuine parts sold as Grade A original; legal notice",
            "reply": "Mr. Thakkar, we're sorry, and we take this seriously. A Grade A device must have "
            "only original parts, and our invoice says so. Our quality head has your case and "
            "will contact you within 24 hours to arrange a full refund or replacement once the "
            "Apple report is verified. – Sachin, Store Manager, Resello Andheri West",
        },
    ),
    (
        5,
        "en",
        "Tanvi Desai",
        "Best rate I got in Mumbai for my S22 Ultra, and I checked 3 places.",
        {"reply": "Thanks Tanvi! Glad we could give you the best offer 😊"},
    ),
    (3, "hg", "Jatin Shah", "Staff theek hai. Waiting area me 4 chair aur 15 log 😅", {}),
    (
        1,
        "hg",
        "Farida Shaikh",
        'Fatima madam ne bahut rude baat kiya. Bola "lena hai to lo warna jao". Customer service '
        "seekho pehle",
        {
            "reply": "Hi Farida, we're sorry you were spoken to like that. That's not how we want any "
            "customer treated, and the store manager has taken it up with the team member. "
            "We'd like to make it right, please DM us."
        },
    ),
    (5, "en", "Rohan Kapadia", None, {}),
    (
        4,
        "en",
        "Sneha Iyer",
        "Paid by UPI at the counter for a refurbished iPhone 12, bill and warranty came on email "
        "instantly. Only complaint: the blue colour shown on the website wasn't in stock.",
        {},
    ),
    (
        5,
        "hg",
        "Imtiaz Ansari",
        "Vinay ne bahut achhe se samjhaya kaunsa phone lena chahiye budget me. Koi jabardasti "
        "nahi 🙏",
        {"reply": "Thank you Imtiaz ji! Vinay ko aapka message pass kar diya hai 🙏"},
    ),
    (
        2,
        "en",
        "Pooja Nair",
        "Website says the store opens at 10. At 10:25 they were still mopping and asked me to come "
        "after 11.",
        {
            "reply": "Hi Pooja, sorry about that. The store should be ready for customers at 10 sharp, "
            "and we've raised it with the team. Thanks for letting us know."
        },
    ),
    (1, "en", "Harshad Patel", None, {}),
    (
        5,
        "en",
        "Anjali Menon",
        "My daughter's first phone, a refurbished iPhone 11. She is thrilled. Thanks team!",
        {},
    ),
    (
        5,
        "en",
        "mumbai tech guy",
        "Nice store!! Check out my channel for unboxings and phone deals youtube.com/@mumbaitechguy99 "
        "subscribe pls 🙏🙏",
        {"spam": True},
    ),
    (4, "hi", "गीता जोशी", "सब ठीक था, बस इंतज़ार थोड़ा ज़्यादा था।", {}),
    (5, "hi", "नीलेश कदम", "जल्दी काम हुआ, वादे के मुताबिक कैश में पेमेंट मिला।", {}),
    (
        3,
        "hg",
        "Ravi Chaurasia",
        "Price app se 800 kam diya, bole box nahi hai isliye. Chalo theek hai.",
        {},
    ),
    "BAND 725-2150",
    (
        5,
        "en",
        "Karishma Vora",
        "Sachin and team are great. We've bought refurbished phones for our office staff from here, 7 "
        "phones so far and zero issues.",
        {
            "reply": "Thank you Karishma! We're glad the phones are serving your team well. Do reach out "
            "to Sachin directly for any bulk order."
        },
    ),
    (
        1,
        "en",
        "Aditya Kulkarni",
        'Absolute scam. They quote high on the app and then find 100 "defects" in the store.',
        {
            "reply": "Hi Aditya, we're sorry you feel that way. Every deduction should be shown to you "
            "during the check, with a reason. Please DM your quote ID and our team will go "
            "through the inspection report with you."
        },
    ),
    (5, "hg", "Sunny Gill", "Paisa turant mil gaya, koi drama nahi 👍", {}),
    (
        2,
        "en",
        "Priya Raghavan",
        "Staff kept pushing me to exchange instead of just selling. I said no three times.",
        {
            "reply": "Hi Priya, thanks for the feedback. Our team should mention the exchange option once, "
            "not push it. We've passed this on."
        },
    ),
    (5, "en", "Clint D'Mello", "Good", {}),
    (
        1,
        "hg",
        "Nikhil Sawant",
        "Warranty claim ke liye 3 baar aana pada. Har baar naya banda, naya bahana.",
        {
            "reply": "Nikhil ji, maafi chahte hain. Please apna invoice number DM karein, store manager "
            "khud aapka claim dekhenge aur update denge."
        },
    ),
    (4, "en", "Ayesha Khan", "Nice store, clean and cool inside. Prices fair.", {}),
    (
        5,
        "hi",
        "रमाकांत मिश्रा",
        "बहुत बढ़िया सेवा",
        {"tr": "Very good service", "reply": "बहुत धन्यवाद रमाकांत जी 🙏"},
    ),
    (5, "en", "Prashant Rane", None, {}),
    (3, "hg", "Disha Mehta", "Average. App wala process store se zyada smooth hai", {}),
    (
        5,
        "en",
        "Omkar Joshi",
        "Rohit was really patient with me. I was nervous about selling my phone with all my banking "
        "apps on it, but he showed me step by step how to log out of everything and reset it.",
        {"reply": "Thank you Omkar! That's exactly how it should be. We'll let Rohit know 😊"},
    ),
    (1, "en", None, "Don't bother.", {"anon": True}),
    (
        5,
        "hg",
        "Altaf Sayyed",
        "Bhaiya logo ne acche se handle kiya. Mera phone ka back toota tha fir bhi accha price diya",
        {},
    ),
    (
        2,
        "hi",
        "कमला देवी",
        "पैसे देने में 2 दिन लगा दिए, बोला था तुरंत मिलेगा।",
        {
            "tr": "They took 2 days to pay, they had said it would be immediate.",
            "reply": "कमला जी, देरी के लिए माफ़ी चाहते हैं। बैंक ट्रांसफर में कभी-कभी समय लगता है, लेकिन "
            "हमें आपको पहले ही सही जानकारी देनी चाहिए थी।",
        },
    ),
    (
        5,
        "en",
        "Rhea Fernandes",
        "Came for a refurbished phone, left with a refurbished phone AND a free screen guard 🙌",
        {},
    ),
    (
        4,
        "en",
        "Manish Agarwal",
        "Good experience. Would be 5 stars if the Google Maps pin was correct, it takes you to the "
        "back lane.",
        {
            "reply": "Thanks Manish! We've corrected the pin; it now points to the main entrance on the "
            "Lokhandwala side."
        },
    ),
    (
        4,
        "en",
        "Vikram Singh",
        "UPDATE: payment came on day 6 after the store manager followed up personally. Slow, but they "
        "did pay and apologised. Changing to 4 stars.",
        {
            "edit": {
                "stars": 1,
                "days": 2,
                "text": "Sold my MacBook Air here (yes, they buy laptops too). Payment still shows "
                '"pending" after 4 days. Nobody at the store can tell me anything.',
                "reply": "Hi Vikram, sorry for the delay. We've escalated your payment with the "
                "finance team and the store manager will call you today with an "
                "update.",
            }
        },
    ),
    (5, "x", "Yash Doshi", "🔥🔥", {}),
    (
        3,
        "hg",
        "Tushar Naik",
        "Theek thaak. Staff friendly hai but system slow hai, bill banne me hi 20 min.",
        {},
    ),
    (
        5,
        "en",
        "Leena D'Souza",
        "Honest people. They told me my phone would fetch more if I waited and sold it after the "
        "festive offer started the next week. Who does that?!",
        {},
    ),
    (
        1,
        "hg",
        "Irfan Shaikh",
        "Mera phone ka price 14000 bol ke last me 9500 diya. Ye loot hai.",
        {
            "reply": "Irfan ji, hum samajh sakte hain. Final price inspection ke baad hi tay hota hai, "
            "lekin har deduction ka reason aapko batana zaroori hai. Apna quote ID DM karein, "
            "hum check karenge."
        },
    ),
    (5, "en", "Gaurav Jain", None, {}),
    (4, "hi", "श्रुति भोसले", "दुकान अच्छी है, पर 8 बजे बंद हो जाती है, ऑफिस वालों के लिए बहुत जल्दी है।", {}),
    (
        5,
        "en",
        "Sameena Qazi",
        "Fatima helped me choose between 2 phones and was honest that the cheaper one was better for "
        "what I need. Appreciate it.",
        {"reply": "Thank you Sameena, so glad Fatima could help! Enjoy the new phone 😊"},
    ),
]

CONNAUGHT_PLACE = [
    "BAND 1-20",
    (
        1,
        "en",
        "Ishita Malhotra",
        'Went to sell my phone on Saturday. The staff member who "checked" it (tall, no name tag) '
        'scrolled through my gallery saying he had to "test the camera", then made comments about '
        "my photos and asked if I'm single. Yesterday he messaged me on WhatsApp from his personal "
        "number, which he obviously took from the form I filled. I felt really unsafe. I want to know "
        "what action Resello is going to take. I'm not letting this go.",
        {"esc": "harassment of a woman customer by staff; her phone number misused"},
    ),
    "BAND 25-70",
    (
        5,
        "hg",
        "Harpreet Kaur",
        "CP wala store best hai. Gurpreet bhaji ne sahi rate diya aur chai bhi pilayi ☕😄",
        {},
    ),
    "BAND 74-165",
    (
        4,
        "hi",
        "विनोद कुमार",
        "स्टोर अच्छा है। पार्किंग के लिए पालिका बाज़ार वाली पार्किंग में गाड़ी लगानी पड़ी, वहाँ से 5 मिनट पैदल।",
        {},
    ),
    (
        2,
        "en",
        "Aditi Chawla",
        'Bought a "like new" Galaxy S23 and when I switched it on, someone else\'s Google account was '
        "still logged in, with their photos syncing. Screenshot: https://imgur.com/a/Xk29fQp (blurred "
        "their stuff). Good thing it was me who noticed. Nice phone otherwise but please fix your QC.",
        {"esc": "data privacy: previous owner's Google account and photos left on a resold phone"},
    ),
    "BAND 170-720",
    (
        1,
        "hi",
        "संजय त्यागी",
        "यहाँ से रीफर्बिश्ड फोन लिया था, दो हफ्ते बाद पुलिस का फोन आया कि ये फोन चोरी का है और IMEI "
        "ब्लॉक है। अब मैं थाने के चक्कर काट रहा हूँ। स्टोर वाले फोन नहीं उठा रहे। मैंने भी FIR करवा "
        "दी है। ऐसी कंपनी पर भरोसा मत करना।",
        {
            "esc": "sold a stolen phone (IMEI blocked); police involved, FIR filed",
            "tr": "I had bought a refurbished phone from here, two weeks later I got a call from the "
            "police that this phone is stolen and the IMEI is blocked. Now I am making rounds of "
            "the police station. The store people are not picking up the phone. I have also filed "
            "an FIR. Do not trust such a company.",
            "reply": "संजय जी, हमें इस परेशानी का बहुत खेद है। हर फोन की IMEI जाँच होती है, फिर भी ऐसा "
            "हुआ है तो ज़िम्मेदारी हमारी है। हमारी लीगल टीम पुलिस के साथ सहयोग कर रही है और "
            "आपको पूरा रिफंड दिया जाएगा। स्टोर मैनेजर गुरप्रीत आज आपको कॉल करेंगे।",
        },
    ),
    (
        5,
        "en",
        "Neeraj Bansal",
        "Sold my iPhone 12 mini. Neha was quick and transparent about every deduction.",
        {
            "reply": "Thanks Neeraj! Transparency is the whole point, glad Neha walked you through it."
        },
    ),
    (
        3,
        "en",
        "Kritika Sood",
        "Store hours on Google say 11–9, your website says 10–8. Which one is it?",
        {
            "reply": "Hi Kritika, sorry for the confusion! The correct hours are 10 am to 8 pm, all days. "
            "We've updated the Google listing."
        },
    ),
    (5, "hg", "Manpreet Singh", "Sahi hai. Cash me payment liya, ekdum set.", {}),
    (5, "en", "Rohit Khanna", None, {}),
    (
        2,
        "hg",
        "Deepanshu Rawat",
        "Rakesh bhai ne bola tha 2 din me warranty me phone theek hoke aa jayega. 9 din ho gaye.",
        {
            "reply": "Hi Deepanshu, sorry for the delay. We've checked with the service centre and your "
            "phone will be back at the store within 2 days. Rakesh will call you as soon as it "
            "arrives."
        },
    ),
    (
        4,
        "en",
        "Shivani Arora",
        "Good service, and the location is convenient, just outside Rajiv Chowk metro gate 7.",
        {},
    ),
    (
        1,
        "en",
        "Earn Daily Online",
        "[Promo] Earn ₹5000 daily from home, no investment!! WhatsApp now 👉 wa.me/91XXXXXXXXXX",
        {"spam": True},
    ),
    (
        5,
        "ur",
        "Mohammad Arif",
        "\u200fبہت اچھا تجربہ رہا۔ عملہ بہت مددگار تھا، شکریہ ریسیلو",
        {
            "tr": "It was a very good experience. The staff was very helpful, thank you Resello",
            "trlay": "original-first",
        },
    ),
    (
        1,
        "en",
        "Karan Bedi",
        "Edit: 2 months later the phone restarts randomly and the warranty claim got rejected for "
        '"liquid damage". It has never been near water. Changing my 5 stars to 1.',
        {
            "edit": {
                "stars": 5,
                "days": 56,
                "text": "Bought a refurbished iPhone 13 here, great condition and a good price. "
                "Recommended.",
                "reply": "Thank you Karan! Enjoy your iPhone 13 😊",
            }
        },
    ),
    "BAND 725-2150",
    (
        5,
        "hg",
        "Ankur Tyagi",
        "Delhi me sabse sahi rate yahin mila. OLX pe log 2 din se timepass kar rahe the",
        {},
    ),
    (
        1,
        "en",
        "Megha Ahuja",
        "Rude staff at the counter. Asked a simple question about exchange and got an eye roll.",
        {
            "reply": "Hi Megha, we're sorry. Every question deserves a proper answer, and we've shared "
            "your feedback with the store team."
        },
    ),
    (5, "hi", "राम प्रकाश", "बढ़िया अनुभव, धन्यवाद रिसेलो टीम 🙏", {}),
    (
        4,
        "en",
        "Varun Sethi",
        "Prices ok. Wish they had more Android options in refurbished, it's like 80% iPhones.",
        {
            "reply": "Thanks Varun, fair point! We're adding more Samsung and OnePlus stock at CP from "
            "next month."
        },
    ),
    (
        5,
        "en",
        "Tanya Grover",
        "Gurpreet sir handled my complaint personally and replaced the refurbished phone without any "
        "argument. This is how it should be.",
        {"reply": "Thank you Tanya, we really appreciate you coming back to tell us 🙏"},
    ),
    (2, "en", "Abhinav Tandon", "Not impressed.", {}),
    (
        1,
        "hg",
        "Mohit Rathi",
        'Inspection ke naam pe 1 ghanta bitha ke rakha aur last me bola "system down hai, kal aao". '
        "Wah 👏👏",
        {
            "reply": "Mohit ji, aapka time waste hua, iske liye sorry. Us din hamara billing system down "
            "tha, aapko pehle hi bata dena chahiye tha. Aap dobara aayein to store manager aapka "
            "phone priority pe check karenge."
        },
    ),
    (5, "en", "Simran Kohli", "nice experience 👍", {}),
    (
        3,
        "en",
        "Parth Arora",
        "Decent. For a ₹52k phone they wouldn't take cash above a limit, so I had to split the UPI into "
        "2 payments because of my daily limit. Annoying.",
        {},
    ),
    (5, "hi", "सविता शर्मा", "बहुत अच्छे लोग हैं", {}),
    (5, "en", "Rahul Mehra", None, {}),
    (4, "hg", "Sahil Chopra", "Achha experience tha, bas Saturday ko bahut rush tha", {}),
    (
        5,
        "en",
        "Devika Nanda",
        "Aman explained everything clearly. Got paid within 5 minutes.",
        {"reply": "Thanks Devika! Aman will be glad to hear it 😊"},
    ),
    (
        2,
        "hi",
        "अजय गुप्ता",
        "ऐप में जितना दाम बताया, उससे 3000 कम दिया। स्टाफ अच्छा था इसलिए 2 स्टार।",
        {
            "tr": "They gave 3000 less than the price shown in the app. The staff was good so 2 stars.",
            "reply": "अजय जी, आपकी प्रतिक्रिया के लिए धन्यवाद। कीमत जाँच के आधार पर तय होती है, पर हर "
            "कटौती का कारण आपको साफ़ बताया जाना चाहिए। कृपया अपना क्वोट आईडी DM करें।",
        },
    ),
    (5, "en", None, None, {"anon": True}),
    (
        1,
        "hg",
        "Rajat Dhingra",
        "Customer care ko 3 baar call kiya battery ke liye. Har baar bola store se call aayega. Store "
        "se kabhi call nahi aaya.",
        {},
    ),
]

GBP_LOCATIONS = {"4501": KORAMANGALA, "4502": ANDHERI, "4503": CONNAUGHT_PLACE}

# =============================================================================================
# Instagram posts (newest first) and their top-level comments (newest first).
# =============================================================================================

POSTS: list[dict[str, Any]] = [
    {
        "key": "new-cities",
        "media_type": "CAROUSEL_ALBUM",
        "timestamp": datetime(2026, 11, 21, 12, 30, tzinfo=UTC),
        "like_count": 1183,
        "caption": "Indore, Jaipur, Lucknow, we're here! 📍 Doorstep pickup of your old phone is now "
        "live in 3 new cities. Get an instant quote in the Resello app, pick a slot, and "
        "get paid before the executive leaves 💸\n\n#Resello #SellYourPhone #Indore "
        "#Jaipur #Lucknow",
        "comments": [
            "AGO 0.3-20",
            (
                "ankit.verma_07",
                "en",
                "still waiting for my payment since 10 days @resello.in order RS-771843. pickup was "
                "done on 14th. not a single update 😡",
                {
                    "likes": 9,
                    "esc": "money not received 10 days after pickup (RS-771843), public",
                    "thread": [
                        ("neha_sx", "same happened with me, took 2 weeks. keep calling them")
                    ],
                },
            ),
            ("sanya.jn", "en", "do you pickup in Bhopal?", {}),
            ("deepak_ind0re", "hg", "Vijay Nagar me pickup ho raha hai kya?", {}),
            ("rohitt.jaipur", "x", "🔥🔥", {}),
            "AGO 22-70",
            (
                "the.lucknow.guy",
                "hg",
                "Finally Lucknow 🙌 kab se wait kar raha tha",
                {"reply": "Wait khatam! 😄 App me quote check karo aur slot book karo."},
            ),
            ("meera_kaushik", "hg", "Chandigarh me kab aa rahe ho?", {}),
            (
                "dm.collab.growth",
                "en",
                "DM us to collab 💰💰 we grow pages fast",
                {"spam": True, "hidden": True},
            ),
            ("pankaj.m", "hg", "Indore me koi store bhi hai ya sirf pickup?", {}),
            "AGO 72-90",
            (
                "shubham__rajput",
                "en",
                "price for iphone 11 64gb?",
                {
                    "reply": "Hi Shubham! It depends on the condition, but a working iPhone 11 64GB is "
                    "getting ₹14,000–17,500 right now. Check your exact quote in the app 📲"
                },
            ),
            (
                "_aarushi.s",
                "en",
                "@kavya.jpr sell your old phone here instead of keeping it in the drawer 😂",
                {"thread": [("kavya.jpr", "haha fine 🙄")]},
            ),
            (
                "jaipurwala_rk",
                "hi",
                "अजमेर में भी सर्विस शुरू करो प्लीज़",
                {"reply": "जल्द ही! 🙏 अजमेर हमारी लिस्ट में है।"},
            ),
            ("shreya.tiwari__", "x", "Lucknow ❤️", {}),
        ],
    },
    {
        "key": "olx-vs-certified",
        "media_type": "VIDEO",
        "timestamp": datetime(2026, 11, 15, 13, 0, tzinfo=UTC),
        "like_count": 4210,
        "caption": 'We bought a "like new" iPhone 13 from a random online listing and put it '
        "through our 32-point check next to a Resello Certified one. Guess which one had "
        "a replaced screen 👀 Watch till the end.\n\n#refurbished #iphone13 #resello",
        "comments": [
            "AGO 30-60",
            (
                "gizmoguru.official",
                "en",
                "Funny you post this. Tried Resello last week with my iPhone 15 Pro: app quote "
                '₹71,200, the executive at my door offered ₹58,000 for "micro scratches" you need a '
                "loupe to see. I recorded the whole thing. Video goes live Friday. 1.2M subscribers "
                "are going to enjoy this one 🙂",
                {
                    "likes": 1284,
                    "esc": "high-reach tech creator (1.2M) publicly calling out a lowball offer at "
                    "pickup; video announced",
                    "thread": [
                        ("ritesh_k99", "same happened with me bro, 15k less for my 14 pro"),
                        ("sumit.techie", "waiting for the video 🍿"),
                    ],
                },
            ),
            "AFTER 0.5-70",
            ("karan.thakkar", "hg", "OLX wala to pehle se hi sketchy lag raha tha", {}),
            ("vidhi_98", "hg", "Background song kaunsa hai?", {}),
            (
                "ash.mathur",
                "en",
                "Bought a refurbished 13 from you in Aug, battery health dropped from 89 to 84 in 3 "
                "months. Is that normal?",
                {
                    "reply": "Hi Ash! A 5% drop in 3 months can be normal with heavy use, but we're happy "
                    "to run a free battery check. Visit any Resello store or DM us your order "
                    "ID."
                },
            ),
            (
                "tanishq.k",
                "hg",
                "Bhai screen replaced thi to price kitna kam hona chahiye tha?",
                {
                    "reply": "Good question! A non-original screen usually brings the resale value down "
                    "by 20–30% 📉"
                },
            ),
            ("_manav.gupta", "x", "😂😂😂", {}),
            ("priyal.shah", "hi", "बहुत बढ़िया जानकारी 👏", {}),
            ("rajesh.kumar.4821", "hi", "मैंने भी OLX से फोन लिया था, धोखा हो गया। अब से यहीं से लूंगा", {}),
            (
                "cheapcovers.store",
                "en",
                "Premium iPhone covers at ₹199 only 😍 check our page!!",
                {"spam": True},
            ),
            (
                "nisha.b",
                "en",
                "but your refurbished phones cost almost as much as new ones on sale 🤔",
                {
                    "reply": "Fair question Nisha! A certified iPhone 13 is ₹38–41k with us vs ₹52k+ "
                    "new on sale, and it comes with a 6-month warranty ✌️"
                },
            ),
        ],
    },
    {
        "key": "giveaway-winner",
        "media_type": "IMAGE",
        "timestamp": datetime(2026, 11, 10, 6, 30, tzinfo=UTC),
        "like_count": 2876,
        "caption": "And the winner of our Diwali giveaway is… @the.sahil.sharma 🎉 Your Resello "
        "Certified iPhone 13 is on its way! Thank you to the 4,800+ of you who joined "
        "in. More giveaways soon 👀",
        "comments": [
            "AGO 110-160",
            (
                "vikrant.malik_",
                "en",
                "SCAM ALERT ⚠️ gave my iPhone 13 to your pickup guy on 2 Nov, app still shows "
                '"payment processing". Customer care number doesn\'t connect. Everyone reading this '
                "DO NOT SELL to them. Filing a police complaint tomorrow.",
                {
                    "likes": 43,
                    "esc": "scam accusation + police complaint: payment pending since 2 Nov pickup",
                    "thread": [("komal_rana", "mera bhi same. 12 din ho gaye")],
                    "reply": "Hi Vikrant, we're really sorry about this. We've found your order and "
                    "escalated it to our payments team, and we've sent you a DM. Please check.",
                },
            ),
            "AFTER 0.2-50",
            (
                "the.sahil.sharma",
                "en",
                "Still can't believe it 😭❤️ thank you Resello!!",
                {"likes": 31, "reply": "Enjoy it Sahil! 📱🎉"},
            ),
            ("mansi.ag", "en", "congratulations 🎉", {}),
            ("rohan_b_", "en", "rigged 🙄", {}),
            ("shweta.ch", "hg", "Next giveaway kab hai?", {"reply": "Very soon 😉 Stay tuned!"}),
            ("arjun.nair.98", "en", "Congrats bro 👏", {}),
            ("payal.sinha_", "hi", "मैं कभी नहीं जीतती 😭", {}),
        ],
    },
    {
        "key": "happy-diwali",
        "media_type": "IMAGE",
        "timestamp": datetime(2026, 11, 8, 4, 30, tzinfo=UTC),
        "like_count": 1540,
        "caption": "Happy Diwali from all of us at Resello 🪔✨ May your home be full of light, and "
        "your drawers free of old phones 😉",
        "comments": [
            "AFTER 0.2-40",
            ("sneha.patil_", "en", "Happy Diwali team 🪔", {}),
            (
                "harish_kumar_official",
                "hi",
                "आप सभी को दीपावली की हार्दिक शुभकामनाएं 🙏🪔",
                {"reply": "आपको भी दीपावली की ढेर सारी शुभकामनाएं 🙏✨"},
            ),
            ("mohit.gaming", "en", "drawers free of old phones 😂😂 good one", {}),
            (
                "preeti_s",
                "en",
                "Happy Diwali! btw my refund for the cancelled order is still pending, order "
                "RS-65120. 11 days now",
                {
                    "reply": "Happy Diwali Preeti! Sorry for the wait. Your refund has been initiated "
                    "today and should reflect in 3–5 working days. DM us if it doesn't."
                },
            ),
            ("ayaan.kh", "x", "🪔🪔🪔", {}),
            ("kavita.r", "hi", "शुभ दीपावली 🙏", {}),
        ],
    },
    {
        "key": "diwali-giveaway",
        "media_type": "CAROUSEL_ALBUM",
        "timestamp": datetime(2026, 10, 30, 7, 30, tzinfo=UTC),
        "like_count": 9654,
        "caption": "🎁 DIWALI GIVEAWAY 🎁\nWin a Resello Certified iPhone 13 (128GB)!\nTo enter:\n"
        "1️⃣ Follow @resello.in\n2️⃣ Like this post\n3️⃣ Tag 3 friends in the comments\n"
        "Bonus entry for sharing to your story ✨\nEnds 7 Nov, 11:59 pm. Winner "
        "announced on 10 Nov. India only. T&C in bio.",
        "comments": [
            "AFTER 0.1-168",
            ("priyanka.s_", "x", "@ankit_mishra07 @the_real_sid @_shru.ti 🤞🤞", {}),
            ("harshit.jpg", "hg", "Done ✅ follow, like, share sab kar diya", {}),
            (
                "nehaa.kapoorr",
                "en",
                "I never win anything but here goes 🙏 @mehak.k @ritu_v @simran.d",
                {"thread": [("mehak.k", "haha same, all the best 😂")]},
            ),
            (
                "gaurav_xo",
                "hg",
                "please mujhe choose karo, 6 mahine se screen tooti hui hai 🙏🙏",
                {"likes": 12},
            ),
            (
                "free.iphone.claims",
                "en",
                "[bold]FREE[/bold] iPhone 15 for first 100 users 👉 claim now at bit.ly/fr33-ip15 🎁",
                {"spam": True, "hidden": True},
            ),
            (
                "mumbai_wanderer",
                "en",
                "Is this for Mumbai also?",
                {"reply": "Yes! It's open to everyone in India 🇮🇳 All the best!"},
            ),
            (
                "_rahul.k",
                "hg",
                "@sumit_07 bhai tu bhi kar, tera phone to museum me rakhne layak hai 😂",
                {"thread": [("sumit_07", "chup kar 😂")]},
            ),
            ("aisha.rizvi", "x", "@zara.m @fatima_n @sana.k ✨", {}),
            ("kunal_bhatia", "en", "iPhone 13 ❤️❤️", {}),
            (
                "ravi.teja.r",
                "hg",
                "Giveaway ke winner kab announce honge?",
                {"reply": "10 Nov ko, isi page pe! 🎉"},
            ),
            (
                "crypto.with.karan",
                "en",
                "Earn ₹50,000 weekly with crypto trading 📈 no experience needed, DM me",
                {"spam": True, "hidden": True},
            ),
            ("sonal.mehra", "en", "@anjali.b @prerna_ @divs.s let's gooo", {}),
            ("amitkumar.1987", "hi", "मेरा पुराना फोन भी ले लो और नया दे दो 😅", {}),
            ("trollingpro_69", "en", "<script>alert('resello loot')</script> lol try that", {}),
            ("diya.sen", "en", "Shared to story ✨ @tina.sen @raj.sen", {}),
            ("f4f.zone", "en", "follow for follow 🔥 follow back guaranteed", {"spam": True}),
        ],
    },
    {
        "key": "diwali-sale",
        "media_type": "VIDEO",
        "timestamp": datetime(2026, 10, 24, 8, 30, tzinfo=UTC),
        "like_count": 3312,
        "caption": "DIWALI DHAMAKA is LIVE 🪔💥\nResello Certified iPhones from ₹14,999\n✅ 32-point "
        "quality check\n✅ 6-month warranty\n✅ No-cost EMI on select cards\nOnline + in "
        "all our stores till 9 Nov. Link in bio.",
        "comments": [
            "AFTER 0.3-120",
            (
                "aman_sharma.dl",
                "hg",
                "iPhone 12 ka price kya hai 128gb?",
                {
                    "reply": "Hi Aman! iPhone 12 128GB starts at ₹24,999 in the Diwali sale 🪔 Check the "
                    "app for colours and grades."
                },
            ),
            (
                "rashmi.iyer",
                "en",
                "Is the 6 month warranty valid in all cities?",
                {
                    "reply": "Yes Rashmi, it's valid in every city we operate in. Just keep your "
                    "invoice handy."
                },
            ),
            ("tarun_yadav99", "hg", "EMI debit card pe bhi hai?", {}),
            (
                "pinky.gupta",
                "en",
                "Bought an iPhone 12 from your CP store last week, it's perfect 😍 thank you!",
                {"reply": "Yay! Enjoy your new iPhone 😍"},
            ),
            ("vishalll_", "hg", "₹14,999 me konsa iPhone milega? XR? 😂", {}),
            ("nandini_rao_", "hg", "Samsung pe bhi offer aayega kya?", {}),
            ("suresh.bhai.surat", "hi", "सूरत में कब आओगे?", {"reply": "जल्द ही सूरत में भी! 🙏"}),
            ("chetan.k", "hg", "kal app pe isse kam price tha lol. 'sale' 🙃", {}),
            ("mehak.k", "en", "@nehaa.kapoorr look, your iPhone 13 😍", {}),
            (
                "abhi.singh.rathore",
                "hg",
                "Koi fayda nahi. Pichhli baar refurbished liya tha, 2 mahine me speaker kharab. "
                "Warranty me 3 hafte laga diye",
                {
                    "reply": "Abhi ji, sorry about that experience. Warranty repairs now take 7 days at "
                    "most. If anything else comes up, DM us and we'll prioritise it."
                },
            ),
            (
                "ira.banerjee",
                "en",
                "Do you ship to Kolkata?",
                {"reply": "Hi Ira! Yes, we deliver refurbished phones all over India 🚚"},
            ),
        ],
    },
    {
        "key": "before-you-sell",
        "media_type": "CAROUSEL_ALBUM",
        "timestamp": datetime(2026, 10, 8, 6, 30, tzinfo=UTC),
        "like_count": 2051,
        "caption": "Selling your phone? Do these 5 things first 👇\n1. Back up photos & chats\n"
        "2. Sign out of iCloud / Google\n3. Remove SIM & memory card\n4. Unpair your "
        "smartwatch\n5. Factory reset (our executive will reset it in front of you "
        "too)\nSave this for later 📌",
        "comments": [
            "AFTER 0.5-90",
            (
                "techie_anand",
                "en",
                "Point 2 is so important, people forget Activation Lock and then wonder why nobody "
                "buys the phone",
                {},
            ),
            ("sushma.n", "hi", "बहुत काम की जानकारी, सेव कर लिया 📌", {}),
            (
                "rahul.bose_",
                "en",
                "What about WhatsApp chats? Do they go to Google Drive automatically?",
                {
                    "reply": "Only if backup is on 🙂 WhatsApp → Settings → Chats → Chat backup. Run it "
                    "once before selling!"
                },
            ),
            ("anjali.b", "x", "🙏🙏", {}),
            (
                "gurjeet.s",
                "en",
                'Reset in front of you? Your guy took my phone to the van to "check" it for 15 '
                "min. Hmm.",
                {
                    "reply": "Hi Gurjeet, that shouldn't happen. The inspection and the reset are done "
                    "in front of you. Could you DM us your order ID? We'd like to look into "
                    "it."
                },
            ),
            (
                "kiran.jha",
                "hi",
                "फोटो का बैकअप कैसे लें?",
                {"reply": "Google Photos खोलें → प्रोफ़ाइल फोटो → 'बैकअप चालू करें' 🙂"},
            ),
        ],
    },
    {
        "key": "iphone-18",
        "media_type": "IMAGE",
        "timestamp": datetime(2026, 9, 26, 7, 0, tzinfo=UTC),
        "like_count": 2688,
        "caption": "iPhone 18 Pro is here 👀 Your old iPhone is worth more than you think.\nGet an "
        "instant quote in the app → doorstep pickup → paid on the spot.\nExtra ₹2,000 "
        "on iPhone 13 & above till 5 Oct.",
        "comments": [
            "AFTER 0.2-100",
            (
                "arnav.chopra",
                "en",
                "How much for iPhone 14 Pro 256 in good condition?",
                {
                    "reply": "Hi Arnav! Around ₹58,000–63,000 depending on condition, plus the ₹2,000 "
                    "bonus. Get the exact quote in the app 📲"
                },
            ),
            (
                "akshay.1994",
                "hg",
                "quote 45k dikhaya, ghar aake 38k. bonus ka kya fayda",
                {
                    "reply": "Hi Akshay, sorry about that. Every deduction should be shown to you in "
                    "the inspection report. Please DM your order ID and we'll check."
                },
            ),
            (
                "nidhi_m",
                "en",
                "Do you take phones with cracked back glass?",
                {
                    "reply": "Yes we do! The price is adjusted for the damage, but we'll still take "
                    "it 🙂"
                },
            ),
            ("siddhant_ray", "hg", "iPhone 18 launch pe sabse pehle aap hi yaad aaye 😂", {}),
            (
                "yashika.v",
                "hg",
                "pichle hafte 13 mini becha, 5 min me paisa aa gaya. smooth 👌",
                {"reply": "Love to hear it Yashika! 🙌"},
            ),
            (
                "prakash.raju",
                "en",
                "Is pickup available in Coimbatore?",
                {
                    "reply": "Not yet Prakash, but we're expanding soon! Meanwhile you can visit our "
                    "Bengaluru store."
                },
            ),
            ("danish_ali_", "hg", "iPhone 12 urgently bechna hai, DM kar sakta hu?", {}),
            ("rekha.singh", "hg", "18 Pro ke saath exchange ka koi deal hai?", {}),
            ("bhavesh.p", "x", "👍", {}),
        ],
    },
    {
        "key": "meet-executives",
        "media_type": "VIDEO",
        "timestamp": datetime(2026, 9, 18, 12, 30, tzinfo=UTC),
        "like_count": 1422,
        "caption": "Meet Ravi, Salma and Joseph, 3 of the 400+ Resello executives who'll be at "
        "your door. Trained, verified, and they always reset your phone in front of "
        "you 🙌",
        "comments": [
            "AGO 100-150",
            (
                "rinkupandey_",
                "hg",
                'aapke executive ne pickup ke baad meri behen ko WhatsApp pe "hi" "kaise ho" '
                "bhejna shuru kar diya hai. Wo 19 saal ki hai. Ye bilkul theek nahi hai. Batao kisko "
                "complain karu warna seedha police me jaunga",
                {
                    "likes": 27,
                    "esc": "pickup executive messaging a customer's 19-year-old sister; police threat",
                    "reply": "We're very sorry, this is a serious breach of our code of conduct. Please "
                    "DM us the order ID and the number the messages came from. Our trust & "
                    "safety team will act on it today.",
                },
            ),
            "AFTER 0.3-60",
            ("salma.fan", "hi", "सलमा दीदी 💪👏", {}),
            (
                "joseph_k",
                "en",
                "Proud of you bro @joseph.thomas.r 🙌",
                {"thread": [("joseph.thomas.r", "thanks da 😄")]},
            ),
            (
                "vivek_jn",
                "en",
                "Executive came 2 hours late though 🙃",
                {
                    "reply": "Sorry about that Vivek! Traffic isn't an excuse, we should have kept you "
                    "updated. DM us and we'll make it up to you."
                },
            ),
            ("anu.priya", "x", "❤️❤️", {}),
        ],
    },
    {
        "key": "monsoon-samsung",
        "media_type": "IMAGE",
        "timestamp": datetime(2026, 9, 10, 6, 0, tzinfo=UTC),
        "like_count": 874,
        "caption": "Monsoon offer ☔ Extra ₹1,000 when you sell any Samsung Galaxy S or Z series "
        "phone. Till 20 Sept. Quote in 60 seconds on the app.",
        "comments": [
            "AFTER 0.5-200",
            (
                "samsung_lover_raj",
                "en",
                "Z Flip 3 with a line on the fold screen, will you buy?",
                {
                    "reply": "Yes Raj! It'll be priced for the screen issue, but we'll buy it. Get a "
                    "quote in the app ☔"
                },
            ),
            (
                "meenakshi.t",
                "hg",
                "Galaxy A series pe offer nahi hai?",
                {
                    "reply": "Is baar sirf S aur Z series pe hai 😅 A series ke liye jaldi offer "
                    "aayega!"
                },
            ),
            ("rohit_dubey", "hi", "मेरा S21 FE बेचना है, कितना मिलेगा?", {}),
            (
                "hemant.c",
                "hg",
                "Extra 1000 mere payment me add nahi hua. Order RS-58823",
                {
                    "reply": "Hi Hemant, sorry! We checked and the ₹1,000 was missed. It's been "
                    "credited now, please check your account."
                },
            ),
            ("kiara.fit", "x", "☔☔", {}),
        ],
    },
    {
        "key": "what-is-refurbished",
        "media_type": "VIDEO",
        "timestamp": datetime(2026, 9, 3, 13, 30, tzinfo=UTC),
        "like_count": 1967,
        "caption": 'What does "refurbished" actually mean? 🤔 Every Resello Certified phone goes '
        "through a 32-point check: battery, display, cameras, speakers, Face ID, water "
        "damage indicators and more. Only original parts. 6-month warranty. No "
        "surprises.",
        "comments": [
            "AFTER 0.4-150",
            (
                "sarcastic.sid",
                "en",
                '"No surprises" 😂 my refurbished phone surprised me with a dead speaker in week 2',
                {
                    "reply": "Oof, sorry Sid! That's exactly what the warranty is for. DM us your order "
                    "ID and we'll set up a free repair or replacement."
                },
            ),
            (
                "ritu_agarwal",
                "en",
                "What's the difference between Grade A and B?",
                {
                    "reply": "Hi Ritu! Grade A looks nearly new, Grade B has light visible marks. Both "
                    "are fully functional with the same 6-month warranty 🙂"
                },
            ),
            ("urdu.shayar.official", "ur", "\u200fماشاءاللہ، بہت اچھا کام ہے 👏", {}),
            ("naveen.kumar.t", "en", "bought pixel 6a from you, 100% happy 👍", {}),
            ("ajay_devgan_fan_club", "x", "👍👍👍", {}),
        ],
    },
    {
        "key": "sell-in-60-seconds",
        "media_type": "VIDEO",
        "timestamp": datetime(2026, 8, 28, 6, 30, tzinfo=UTC),
        "like_count": 760,
        "caption": "Sell your old phone in 60 seconds ⏱️ Open the app → answer 5 questions → get "
        "your price. That's it. Doorstep pickup across Bengaluru, Mumbai, Delhi NCR, "
        "Pune & Hyderabad.",
        "comments": [
            "AFTER 200-600",
            (
                "arvind_s",
                "en",
                "60 seconds for the quote, 60 days for the payment? 😂",
                {
                    "reply": "Haha we get the joke, but payments go out at pickup 😄 If yours was "
                    "delayed, DM us your order ID."
                },
            ),
            "AFTER 0.3-80",
            (
                "pune.foodie",
                "hg",
                "Pune me kab se? 😮",
                {"reply": "Already live in Pune! 🎉 Book a pickup in the app."},
            ),
            ("hyd.tech.talks", "en", "Tried it, quote was fair. Executive was polite. 4/5", {}),
            ("bindu.reddy", "te", "Hyderabad lo kuda unda? 🙏", {}),
        ],
    },
]

# =============================================================================================
# Envelope: ids, times, pages.
# =============================================================================================

# How likely someone posts at each IST hour (0-23). Stores are open 10:00-20:00, so reviews
# come mostly in the afternoon and evening; Instagram runs late into the night.
GBP_HOURS = [0.03] * 7 + [0.1, 0.15, 0.25] + [0.5, 0.6, 0.7] + [1.0] * 8 + [0.8, 0.6, 0.3]
IG_HOURS = [0.35, 0.2, 0.05, 0.03, 0.03, 0.03, 0.1, 0.4, 0.7, 0.8] + [1.0] * 13 + [0.7]
REPLY_HOURS = [0.0] * 9 + [0.6] + [1.0] * 10 + [0.5, 0.3, 0.1, 0.0]  # the brand's team, 9-23
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

assert len(GBP_HOURS) == len(IG_HOURS) == len(REPLY_HOURS) == 24


def digest(*parts: str, size: int = 64) -> str:
    raw = hashlib.sha512("|".join(parts).encode()).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:size]


def plausible(rng: random.Random, hours: list[float], lo: datetime, hi: datetime) -> datetime:
    """A random instant in [lo, hi] whose IST hour is likely for `hours`."""
    span = (hi - lo).total_seconds()
    assert span > 0, (lo, hi)
    for _ in range(10_000):
        t = lo + timedelta(seconds=rng.uniform(0, span))
        if rng.random() < hours[t.astimezone(IST).hour]:
            return t
    raise AssertionError(f"no plausible time between {lo} and {hi}")


def gbp_time(t: datetime, rng: random.Random) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{rng.randint(0, 999_999):06d}Z"


def ig_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S") + "+0000"


def ig_parse(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z")


def banded(entries: list[Any]) -> list[tuple[tuple[str, float, float], Any]]:
    """Pair every entry with the band marker above it."""
    out, band = [], None
    for entry in entries:
        if isinstance(entry, str):
            kind, span = entry.split()
            lo, hi = (float(x) for x in span.split("-"))
            band = (kind, lo, hi)
        else:
            assert band is not None, f"entry before any BAND marker: {entry!r}"
            out.append((band, entry))
    return out


def band_times(
    rng: random.Random,
    band: tuple[str, float, float],
    n: int,
    hours: list[float],
    post: datetime | None = None,
) -> list[datetime]:
    kind, a, b = band
    if kind in ("BAND", "AGO"):
        lo, hi = END - timedelta(hours=b), END - timedelta(hours=a)
    else:  # AFTER the post
        assert post is not None
        lo, hi = post + timedelta(hours=a), post + timedelta(hours=b)
    if post is not None:
        lo = max(lo, post + timedelta(minutes=6))
    hi = min(hi, END - timedelta(minutes=12))
    return sorted((plausible(rng, hours, lo, hi) for _ in range(n)), reverse=True)


def reply_time(
    rng: random.Random, after: datetime, lo_h: float, hi_h: float, before: datetime = END
) -> datetime:
    lo = after + timedelta(hours=lo_h)
    hi = min(after + timedelta(hours=hi_h), before - timedelta(minutes=20))
    return plausible(rng, REPLY_HOURS, lo, hi)


# --------------------------------------------------------------------------------------------- GBP


def photo_url(author: str) -> str:
    token = digest("photo", author, size=40)
    if int(hashlib.sha256(author.encode()).hexdigest(), 16) % 3 == 0:
        return f"https://lh3.googleusercontent.com/a/ACg8oc{token[:34]}=s120-c-rp-mo-br100"
    return f"https://lh3.googleusercontent.com/a-/ALV-Uj{token}=s120-c-rp-mo-ba3-br100"


def gbp_comment(text: str | None, opts: dict[str, Any]) -> str | None:
    if text is None or "tr" not in opts:
        return text
    if opts.get("trlay") == "original-first":
        return f"{text}\n\n(Translated by Google) {opts['tr']}"
    return f"(Translated by Google) {opts['tr']}\n\n(Original)\n{text}"


def gbp_reviews(rng: random.Random, loc: str, entries: list[Any], report: dict[str, Any]):
    """(current reviews, first versions of edited reviews), newest first."""
    grouped: dict[tuple[str, float, float], list[Any]] = {}
    for band, entry in banded(entries):
        grouped.setdefault(band, []).append(entry)
    current, earlier, seen = [], [], set()
    for band, group in grouped.items():
        for when, entry in zip(band_times(rng, band, len(group), GBP_HOURS), group, strict=True):
            stars, lang, author, text, opts = entry
            key = author or f"anon:{text}"
            assert key not in seen, f"two reviews by {key} at {loc}"
            seen.add(key)
            review_id = "AbFvOq" + digest("gbp", loc, key)
            name = f"{GBP_ACCOUNT}/locations/{loc}/reviews/{review_id}"
            if opts.get("anon"):
                reviewer: dict[str, Any] = {"isAnonymous": True}
            else:
                reviewer = {
                    "displayName": author,
                    "profilePhotoUrl": photo_url(author),
                    "isAnonymous": False,
                }
            edit = opts.get("edit")
            created = when
            if edit:
                base = when - timedelta(days=edit["days"])
                created = plausible(
                    rng, GBP_HOURS, base - timedelta(hours=5), base + timedelta(hours=5)
                )
            review: dict[str, Any] = {
                "name": name,
                "reviewId": review_id,
                "reviewer": reviewer,
                "starRating": STARS[stars],
            }
            comment = gbp_comment(text, opts)
            if comment is not None:
                review["comment"] = comment
            review["createTime"] = gbp_time(created, rng)
            review["updateTime"] = gbp_time(when, rng) if edit else review["createTime"]
            first_reply = None
            if edit and edit.get("reply"):
                gap = (when - created).total_seconds() / 3600
                at = reply_time(rng, created, 1, min(30, gap - 2), before=when)
                first_reply = {"comment": edit["reply"], "updateTime": gbp_time(at, rng)}
                review["reviewReply"] = first_reply
            elif opts.get("reply"):
                lo, hi = (1, 20) if stars <= 2 else (3, 70)
                at = reply_time(rng, when, lo, hi)
                review["reviewReply"] = {"comment": opts["reply"], "updateTime": gbp_time(at, rng)}
            current.append(review)
            if edit:
                first = {k: v for k, v in review.items() if k != "reviewReply"}
                first["starRating"] = STARS[edit["stars"]]
                first["comment"] = edit["text"]
                first["updateTime"] = first["createTime"]
                if first_reply:
                    first["reviewReply"] = first_reply
                earlier.append(first)
                report["edited"].append((loc, review_id, f"{edit['stars']}→{stars}", author))
            if opts.get("esc"):
                report["escalate"].append(("gbp", loc, review_id, author, opts["esc"]))
            lang = lang if text else "(rating only)"
            report["lang"][lang] = report["lang"].get(lang, 0) + 1
    current.sort(key=lambda r: r["updateTime"], reverse=True)
    return current, earlier


STARS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
STAR_VALUE = {v: k for k, v in STARS.items()}


def gbp_pages(rng: random.Random, reviews: list[dict[str, Any]], page_size: int = 50):
    average = round(sum(STAR_VALUE[r["starRating"]] for r in reviews) / len(reviews), 1)
    pages = []
    for start in range(0, len(reviews), page_size):
        page: dict[str, Any] = {
            "reviews": reviews[start : start + page_size],
            "averageRating": average,
            "totalReviewCount": len(reviews),
        }
        if start + page_size < len(reviews):
            page["nextPageToken"] = "".join(rng.choice(B64) for _ in range(48))
        pages.append(page)
    return pages


# ----------------------------------------------------------------------------------------- Instagram


class Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set()

    def take(self, lo: int, hi: int) -> str:
        while True:
            value = str(self.rng.randint(lo, hi))
            if value not in self.used:
                self.used.add(value)
                return value

    def comment(self) -> str:
        return self.take(17_850_000_000_000_000, 18_099_999_999_999_999)

    def media(self) -> str:
        return self.take(18_010_000_000_000_000, 18_099_999_999_999_999)


def user_id(username: str) -> str:
    return "1784145" + str(int(hashlib.sha256(username.encode()).hexdigest(), 16))[:10]


def cursor(rng: random.Random) -> str:
    return "QVFI" + "".join(rng.choice(B64) for _ in range(64))


def ig_media(rng: random.Random, ids: Ids, post: dict[str, Any], report: dict[str, Any]):
    posted: datetime = post["timestamp"]
    grouped: dict[tuple[str, float, float], list[Any]] = {}
    for band, entry in banded(post["comments"]):
        grouped.setdefault(band, []).append(entry)
    comments = []
    for band, group in grouped.items():
        times = band_times(rng, band, len(group), IG_HOURS, post=posted)
        for when, (username, lang, text, opts) in zip(times, group, strict=True):
            likes = opts.get("likes", rng.choice([0, 0, 0, 0, 1, 1, 1, 2, 3, 5]))
            comment: dict[str, Any] = {
                "id": ids.comment(),
                "text": text,
                "timestamp": ig_time(when),
                "username": username,
                "like_count": likes,
                "hidden": bool(opts.get("hidden")),
                "from": {"id": user_id(username), "username": username},
            }
            replies = []
            last = when
            for other, reply_text in opts.get("thread", []):
                last = plausible(
                    rng,
                    IG_HOURS,
                    last + timedelta(minutes=3),
                    min(last + timedelta(hours=20), END - timedelta(minutes=15)),
                )
                replies.append((last, other, user_id(other), reply_text))
            if opts.get("reply"):
                assert not opts.get("hidden"), "hidden comments cannot be replied to"
                recent = END - when < timedelta(days=3)
                lo, hi = (1, 6) if recent else ((1, 12) if opts.get("esc") else (1, 40))
                at = reply_time(rng, when, lo, hi)
                replies.append((at, IG_USERNAME, IG_USER_ID, opts["reply"]))
            if replies:
                comment["replies"] = {
                    "data": [
                        {
                            "id": ids.comment(),
                            "text": body,
                            "timestamp": ig_time(at),
                            "username": who,
                            "from": {"id": uid, "username": who},
                        }
                        for at, who, uid, body in sorted(replies)
                    ]
                }
            comments.append(comment)
            if opts.get("esc"):
                report["escalate"].append(("ig", post["key"], comment["id"], username, opts["esc"]))
            report["lang"][lang] = report["lang"].get(lang, 0) + 1
    comments.sort(key=lambda c: c["timestamp"], reverse=True)
    media_id = ids.media()
    shortcode = "D" + "".join(rng.choice(B64) for _ in range(10))
    total = len(comments) + sum(len(c.get("replies", {}).get("data", [])) for c in comments)
    return {
        "id": media_id,
        "caption": post["caption"],
        "media_type": post["media_type"],
        "permalink": f"https://www.instagram.com/p/{shortcode}/",
        "timestamp": ig_time(posted),
        "username": IG_USERNAME,
        "comments_count": total,
        "like_count": post["like_count"],
        "comments": {
            "data": comments,
            "paging": {"cursors": {"before": cursor(rng), "after": cursor(rng)}},
        },
    }


IG_FIELDS = (
    "id,caption,media_type,permalink,timestamp,username,comments_count,like_count,"
    "comments%7Bid,text,timestamp,username,like_count,hidden,from,"
    "replies%7Bid,text,timestamp,username,from%7D%7D"
)


def ig_pages(rng: random.Random, media: list[dict[str, Any]], limit: int = 6):
    pages = []
    for start in range(0, len(media), limit):
        before, after = cursor(rng), cursor(rng)
        base = f"{GRAPH}/{IG_USER_ID}/media?fields={IG_FIELDS}&limit={limit}"
        paging: dict[str, Any] = {"cursors": {"before": before, "after": after}}
        if start + limit < len(media):
            paging["next"] = f"{base}&after={after}"
        if start > 0:
            paging["previous"] = f"{base}&before={before}"
        pages.append({"data": media[start : start + limit], "paging": paging})
    return pages


# --------------------------------------------------------------------------------------------


def write(name: str, data: Any) -> None:
    path = OUT / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


def main() -> None:
    rng = random.Random(20261125)
    report: dict[str, Any] = {"escalate": [], "edited": [], "lang": {}}
    OUT.mkdir(parents=True, exist_ok=True)

    gbp, gbp_earlier = [], []
    for loc, entries in GBP_LOCATIONS.items():
        current, earlier = gbp_reviews(rng, loc, entries, report)
        gbp += gbp_pages(rng, current)
        if earlier:
            gbp_earlier += gbp_pages(
                rng, sorted(earlier, key=lambda r: r["updateTime"], reverse=True)
            )
    ids = Ids(rng)
    posts = sorted(POSTS, key=lambda p: p["timestamp"], reverse=True)
    media = [ig_media(rng, ids, post, report) for post in posts]
    write("gbp.json", gbp)
    write("gbp_earlier.json", gbp_earlier)
    write("instagram.json", ig_pages(rng, media))

    print(
        "\ndeclared languages (GBP + IG, rating-only GBP counted as written):",
        dict(sorted(report["lang"].items())),
    )
    print("\nedited GBP reviews (first version in gbp_earlier.json):")
    for loc, review_id, change, author in report["edited"]:
        print(f"  locations/{loc}  {change}  {author:<16} {review_id}")
    print("\nneeds escalation to CX:")
    for platform, where, item_id, author, why in report["escalate"]:
        print(f"  {platform:<3} {where:<16} {item_id}  {author}: {why}")


if __name__ == "__main__":
    main()
    if "--no-check" not in sys.argv:
        print()
        runpy.run_path(str(Path(__file__).with_name("check_gbp_ig.py")), run_name="__main__")

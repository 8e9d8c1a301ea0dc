# (hand-written data rows are long; the randomness is seeded on purpose)
"""Write the Google Play and App Store demo payloads for the fictional brand "Resello".

Every review and reply text below was written by hand, one person at a time; the script only
adds the platform envelope (ids, timestamps, device data, pagination) with a seeded random
generator, so running it twice gives byte-identical files.

    python scripts/demo/build_play_asc.py          # writes inbox/demo/data/{play_api,play_api_earlier,asc}.json
    python scripts/demo/check_play_asc.py          # prints counts and checks shapes (also run at the end here)

Entry formats
    Play:      (stars, lang, theme, author, text[, opts])
    App Store: (stars, lang, theme, nickname, title, body[, opts])
lang is "en", "hg" (Hinglish, romanized) or "hi" (Devanagari) - used only to pick
reviewerLanguage and the reply language. theme picks the reply pool. opts keys:
    esc     - why CX must see it (printed in the report, not written to the payload)
    reply   - a reply written for this review (used when the review gets a reply)
    edit    - the first version of a review the user later edited (Play only)
    title   - Play only: legacy title, joined to the text with a TAB
    noauthor- Play only: authorName absent
    territory - App Store only (default IND)
The order of each list is newest first; the time bands below decide how old each one is.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import runpy
import string
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "inbox" / "demo" / "data"

END = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # newest data sits just before this
IST = timezone(timedelta(hours=5, minutes=30))
PACKAGE = "in.resello.app"
ASC_APP = "1589034512"
ASC_BASE = "https://api.appstoreconnect.apple.com"

# ---------------------------------------------------------------------------------------------
# Google Play reviews, newest first.
# ---------------------------------------------------------------------------------------------

# fmt: off
PLAY = [
    "BAND 0h-21h",
    (1, "hg", "PAY", "Rahul Verma",
     "Phone pickup hue 6 din ho gaye, ek rupya nahi aaya abhi tak. Order id RS-518204. Chat pe "
     "bolte hai 48 hrs me aa jayega, 5 baar yehi sun chuka hu. Ab consumer forum me complaint karunga",
     {"esc": "money not received after pickup (RS-518204); consumer forum threat"}),
    (5, "en", "PRAISE", "Sneha Kulkarni",
     "Sold my iPhone 12, executive came on time, checked everything in 10 mins and money was in my "
     "account before he left. Smooth."),
    (1, "en", "PRICE", "Arjun Menon",
     "Quote was 21,400 for my OnePlus 9R. At pickup the guy said there's a tiny scratch on the frame "
     "and offered 13,000. Tiny scratch = 8k?? Didn't sell. Waste of half a day."),
    (5, "hg", "PRAISE", "Mohd Sameer", "bhai mast app hai, same din paisa aa gaya UPI pe 👍"),
    (1, "hg", "PRICE", "Harshit Agarwal",
     "Update: pickup 2 baar reschedule hua, phir aake 3,200 kam kar diye 'back panel scratch' bolke. "
     "Pehle 4 star diya tha ab 1. Quote ka koi matlab hi nahi hai",
     {"edit": {"stars": 4, "text": "accha app hai, OnePlus Nord 2 ka quote sahi lag raha hai. kal "
               "pickup hai dekhte hai 👍"}}),
    (2, "en", "BUG", "Kavya R",
     "App keeps logging me out and the OTP takes forever to arrive. Tried 4 times. Please fix"),
    (1, "hi", "PICKUP", "सुनील कुमार",
     "दो बार पिकअप कैंसिल कर दिया बिना बताए। सुबह से घर पे बैठा इंतज़ार कर रहा था। बहुत बेकार सर्विस।"),
    (4, "en", "PRAISE", "Deepak Joshi",
     "Good experience overall. Price was a bit lower than quote (1k less due to battery health) but "
     "the guy explained properly. Payment instant."),
    (5, "en", "PRAISE", "Pooja", "👍👍"),
    (1, "en", "PRIVACY", "Nikhil Bansal",
     "Sold my Samsung M31 last week through Resello. Today my friend got WhatsApp messages from my "
     "old number's account. The executive said he would factory reset in front of me but I didn't "
     "watch closely. Someone has access to my chats. This is serious, I want to know who has my "
     "phone now.",
     {"esc": "data privacy: WhatsApp account accessed from sold phone"}),
    (3, "hg", "FEATURE", "Amit Chauhan",
     "Sab thik hai but exchange ka option do yaar, purana do aur refurbished lo ek hi order me. "
     "Dusre apps me hai ye"),
    (5, "hi", "PRAISE", "रमेश चंद्र",
     "बहुत अच्छी सर्विस, लड़का समय पे आया और पैसे तुरंत मिल गए। धन्यवाद"),

    "BAND 25h-70h",
    (1, "en", "PAY", "Sandeep Rawat",
     "Payment pending since 3 days. Order RS-509377. Pickup done on friday. Chat support only gives "
     "copy paste replies"),
    (5, "en", "PRAISE", "Ananya Ghosh",
     "I was scared to sell online but this was really easy. Got 2k more than what the shop in my "
     "area was offering for my Redmi Note 11."),
    (1, "hg", "TRUST", "Rohit Saini",
     "Fraud app hai bhai. Online 16000 dikhaya, ghar pe aake bola 7500 milega. Ye inka roz ka dhanda "
     "hai, pehle zyada dikhao phir ghar pe aake kaato"),
    (5, "hg", "PRAISE", "Farhan Qureshi", "Fast and hassle free. Ghar baithe phone bik gaya, executive 20 min me kaam khatam karke chala gaya"),
    (4, "hi", "PICKUP", "मनोज तिवारी",
     "सर्विस अच्छी है पर पिकअप 2 घंटे देर से आया। बाकी पेमेंट जल्दी मिल गया।"),
    (1, "en", "BUG", "Harsh Vardhan",
     "After the latest update app crashes as soon as I open the 'Sell Phone' tab. Poco X3 pro, "
     "android 13. Reinstalled twice."),
    (1, "en", "REFURB", "Neha Bhatnagar",
     "Changing my 5 stars to 1. The refurbished Pixel 6a stopped charging after barely 10 days of use. "
     "Warranty request raised the same day, status still says 'Under review'. No call, no email.",
     {"edit": {"stars": 5, "text": "Got the refurbished Pixel 6a, looks brand new and battery is "
               "at 94%. Very happy with the purchase!",
               "reply": "Thank you, Neha! Enjoy your Resello Certified Pixel 😊"}}),
    (2, "hg", "PRICE", "Priyanka Shah",
     "quote me 9200 tha, final 7800 diya. bole display pe halka sa shade hai. mujhe to dikh bhi "
     "nahi raha tha. itna kam kyu"),
    (5, "en", "REFURB", "Vivek Iyer",
     "Bought a refurbished iPhone 13 from Resello. Battery health 91%, came with charger and a proper "
     "invoice. Looks almost new. Happy so far, will update after a month."),
    (1, "en", "SUPPORT", "Tanvi Deshmukh",
     "No one answers the helpline. 25 min on hold then it disconnects. Email reply is automated. How "
     "do I even reach a human here?"),
    (5, "hg", "PRAISE", "Ravi Teja", "Super fast service. Pickup boy bahut polite tha. 5 star"),
    (1, "en", "EXEC", "Meghna Arora",
     "The pickup executive who came to my house in Gurgaon was extremely rude. When I refused the "
     "lower price he started shouting and refused to give my phone back for 10 minutes, said he has "
     "to 'complete the process'. I was alone at home. This is not ok. I have his name and the order "
     "number RS-514602.",
     {"esc": "safety: executive shouted and withheld phone, customer alone (RS-514602)",
      "reply": "Meghna, we're very sorry. No executive should raise his voice or hold on to your "
               "phone after you decline. We've escalated RS-514602 to our Gurgaon operations head "
               "and the partner is off pickups while we investigate. Our team will call you today."}),
    (3, "en", "PICKUP", "Kiran Patil",
     "Pickup was rescheduled twice by them, but when it happened everything was fine and payment "
     "came in an hour. 3 stars for the wait."),
    (5, "en", "PRAISE", "Suresh Babu", "Good 👍"),
    (1, "hi", "PAY", "अंजलि मिश्रा", "पैसे अभी तक नहीं आए। 4 दिन हो गए फ़ोन दिए हुए। कोई जवाब नहीं दे रहा।"),
    (4, "en", "FEATURE", "Aditya Rao",
     "Nice app. Please add EMI option for refurbished phones, paying 30k in one go is tough for "
     "students."),
    (1, "hg", "UPI", "Jatin Malhotra",
     "UPI id add karte hi error aata hai 'Something went wrong'. 3 baar try kiya. Ab payment kaise lu??"),
    (5, "en", "PRAISE", "Lakshmi Narayanan",
     "Excellent service in Chennai. Executive Mr. Karthik was very professional."),
    (1, "hg", "TRUST", "Gaurav Thakur",
     "Scam hai. High price dikha ke lalach dete hai, fir ghar aake kaatte hai kyunki pata hai aapne "
     "bechne ka plan bana liya hai. Uninstall"),
    (5, "hg", "PRAISE", "Neha Gupta",
     "Acha laga. mummy ka purana phone tha, uske bhi 2100 mil gaye. Socha tha koi nahi lega 😅"),

    "BAND 75h-162h",
    (1, "en", "PAY", "Abhishek Singh",
     "Its been 9 days since pickup, order RS-497215, amount 24,500. Not received. Every time they say "
     "it's 'in process with finance team'. I have the pickup receipt. If not resolved by monday I'm "
     "going to file in consumer court and a police complaint for cheating.",
     {"esc": "money not received, 9 days (RS-497215, ₹24,500); consumer court + police threat",
      "reply": "Hi Abhishek, we're really sorry for the delay. RS-497215 has been escalated to our "
               "finance head and you'll get a call from us today with the payment status. We "
               "understand your frustration and will get this closed quickly."}),
    (5, "en", "PRAISE", "Shreya Das",

     "Very smooth. Booked in the morning, pickup at 4pm, money by 4:20. Sold my old Redmi Note "
     "9 Pro, got 5,600 which is fair for its condition."),
    (4, "en", "PAY", "Kshitij Bhatt",
     "Edit: received the payment a few days after my review and someone from support actually called "
     "to apologise. Giving 4 stars because it got resolved, but a week with no update is not ok.",
     {"edit": {"stars": 1, "text": "Phone picked up 2 days back and still no payment. Order "
               "RS-493318. The app shows 'Payment in process'. Don't trust this app until you get "
               "the money.",
               "reply": "Hi Kshitij, sorry for the delay. We've escalated RS-493318 to our finance "
                        "team and you'll hear from us within 24 hours. – Team Resello"},
      "reply": "Thanks for updating your review, Kshitij, and sorry again for the wait. We're "
               "working on faster bank payouts so this doesn't happen again."}),
    (5, "hi", "PRAISE", "विकास शर्मा", "अच्छा एप है"),
    (1, "hg", "PRICE", "Sunny Dhillon",
     "bhai ye log 'screen condition: good' select karwa ke phir bolte hai 'average' hai. 4000 kat "
     "gaye. dobara nahi bechunga"),
    (3, "hi", "PAY", "रमा देवी",
     "पैसे आ गए, 3 दिन बाद। पर पहले बताना चाहिए था कि इतना टाइम लगेगा, हम तो डर गए थे।",
     {"edit": {"stars": 1, "text": "फ़ोन ले गए पर पैसे नहीं आए। ये कैसी कंपनी है?"}}),
    (4, "en", "REFURB", "Rajesh Nair",
     "Refurbished Galaxy S21 FE is good, minor scratch on the back they didn't mention. Otherwise "
     "works fine. Delivery took 6 days.",
     {"reply": "Hi Rajesh, thanks for the honest review. That scratch should have been in the "
               "listing photos; we've shared it with our grading team. Enjoy the S21 FE!"}),
    (1, "en", "SPAM", "Shubham Gamer YT", "Follow me on instagram @shubham_plays_bgmi for daily giveaways 🔥🔥"),
    (5, "en", "PRAISE", "Mary Joseph",
     "Sold my son's old phone, it had a cracked back and they still gave a decent amount. "
     "Quick and honest. Thank you team."),
    (1, "en", "PRIVACY", "Siddharth Rane",
     "Changing my review. Since selling my phone here I'm getting calls from numbers claiming to be "
     "'Resello payments team' asking me to share an OTP to 'release the pending amount'. My payment "
     "was already done! How do they know my name, my phone model and my order number? Someone is "
     "leaking customer data. Reported on the cyber crime portal.",
     {"esc": "data privacy / fraud: scam calls quoting order details, cyber crime report",
      "edit": {"stars": 3, "text": "Average. Quote was 1,500 more than what I finally got, but "
               "payment came quickly.", "reply_pool": "PRICE"}}),
    (3, "hg", "PRICE", "Ankit Jain",
     "Price thoda kam milta hai market se, but ghar baithe ho jata hai isliye theek hai."),
    (1, "en", "REFERRAL", "Varun Kapoor",
     "Referral bonus of ₹200 not credited even though my friend completed his sale. Support says "
     "'not eligible' with no reason."),
    (5, "hg", "PRAISE", "Imran Khan",
     "Ekdum badiya service, bina jhanjhat ke phone bik gaya. Pehle local shop gaya tha wo 3000 "
     "de raha tha, yaha 4200 mile"),
    (2, "en", "PICKUP", "Bhavna Trivedi",
     "Executive called 10 minutes before and said he will come tomorrow. This happened twice. If you "
     "cannot serve my area don't show slots."),
    (5, "hi", "PRAISE", "आकाश", "सबसे बढ़िया"),
    (1, "hi", "TRUST", "राजेश यादव", "ये लोग पहले ज़्यादा दाम दिखाते हैं फिर घर आकर आधा कर देते हैं। धोखा है पूरा।"),
    (4, "en", "BUG", "Nandini S",
     "Works fine but the app is quite slow on my phone, takes a while to load the price page."),
    (1, "hg", "PAY", "Kunal Mehta",
     "Instant cash select kiya tha par executive bola cash nahi rakhta, bank transfer karega. 2 din "
     "ho gaye abhi tak nahi aaya"),
    (5, "hg", "PRAISE", "Ritika Bose", "Great experience, sabko recommend karungi. Paisa turant aa gaya aur koi bargaining nahi hui"),
    (1, "hg", "SUPPORT", "Deepak Chaudhary",
     "customer care wale bas 'we understand your concern' bolte rehte hai, koi solution nahi"),
    (5, "hi", "PRAISE", "सीमा देवी", "बहुत बढ़िया 👌"),
    (3, "en", "FEATURE", "Prateek Sinha",
     "Decent. Would be great if you accepted laptops and smartwatches too, I have an old MacBook "
     "lying around."),
    (2, "en", "PRIVACY", "Aishwarya Pillai",
     "Does anyone check if the data is actually wiped? The executive just took the phone. I had "
     "asked him to reset it in front of me and he said 'company will do it'. Worried about my photos."),
    (5, "hg", "PRAISE", "Manish Kumar", "iphone XR becha, 11200 mila. 4 saal purane phone ke liye fair price hai 👍"),
    (1, "en", "PAY", "Rakesh", "😡😡😡"),
    (5, "hg", "PRAISE", "Sonal Agarwal",
     "pehli baar try kiya, acha experience raha. executive ne sab kuch explain kiya"),
    (2, "hi", "PRICE", "प्रदीप सिंह", "कोट 12000 का दिया था, 9500 में लिया। बैटरी का बहाना बनाया।"),
    (4, "en", "PRAISE", "Joseph Mathew",
     "Good service. The only thing is you need to keep the original box or they deduct 300. Should be "
     "mentioned upfront."),
    (2, "en", "PICKUP", "Prerna Kapoor",
     "Update: they finally came on the 4th attempt. The executive was lovely and apologised for the "
     "delays himself, payment in 10 mins. But 4 attempts, seriously? 2 stars.",
     {"edit": {"stars": 1, "text": "Pickup rescheduled 3 times now. Each time I get an SMS an hour "
               "before saying 'rescheduled due to unavoidable reasons'. What reasons??",
               "reply": "Hi Prerna, we're sorry about the repeated reschedules. We've flagged your "
                        "order to our city ops team and they'll confirm a slot with you today."},
      "reply": "Thanks for the update, Prerna, and for your patience. Four attempts is not "
               "acceptable and we've shared it with the Pune team. Glad the pickup itself went well."}),
    (2, "hg", "BUG", "Mayank Gupta",
     "OTP ab aa raha hai, thanks. but app abhi bhi payment method wale page pe hang ho jata hai. 2 "
     "star tab tak",
     {"edit": {"stars": 1, "text": "OTP hi nahi aa raha login ka. 1 ghante se try kar raha hu",
               "reply": "Hi Mayank, sorry about this. We had an OTP delivery issue with one of our "
                        "SMS partners which is now fixed. Please try again and let us know."}}),
    (5, "en", "PRAISE", "Tanushree Sen",
     "Support fixed my referral credit manually after I raised it here. Thank you Pooja from the "
     "support team for following up! Updated to 5.",
     {"edit": {"stars": 1, "text": "Referral code not working. My friend entered it while selling, "
               "sale completed, I got nothing. 'Terms and conditions' they say.",
               "reply_pool": "REFERRAL"},
      "reply": "So glad Pooja could help, Tanushree! Thanks for giving us another chance 😊"}),
    (1, "en", "OTHER", "Pallavi Jha",
     "I wanted to buy a phone but the app only shows the sell option in my city. Useless"),

    "BAND 170h-720h",
    (5, "hg", "PRAISE", "Sahil Arora",
     "OLX se better price mila aur anjaan logo se milne ka jhanjhat bhi nahi. Dobara use karunga"),
    (1, "hg", "PAY", "Manoj Yadav",
     "Paisa kab aayega?? 5 din ho gaye. Order RS-501146. Har din app khol ke dekhta hu "
     "'processing' hi likha aata hai"),
    (5, "hi", "PRAISE", "गीता रानी",
     "फोन बेचने का सबसे आसान तरीका। मेरे बेटे ने ऐप डाउनलोड करके दिया, सब कुछ आराम से हो गया।"),
    (3, "en", "PRICE", "Rohan D'Souza",
     "Quote 17k, final 15.2k. They deducted for battery health 82%. Fair I guess, but the app should "
     "ask for battery health at the start so it's not a surprise."),
    (1, "hg", "BUG", "Dinesh Pandey", "Jio number pe OTP nahi aa raha. Airtel wale pe aa jata hai. Check karo pls"),
    (5, "en", "PRAISE", "Ayesha Siddiqui",

     "Super quick!! Pickup within 2 hours of booking in Hyderabad 😍 and the executive was done "
     "in 15 min. Money came on GPay instantly."),
    (5, "hg", "PRAISE", "Aman Tiwari",
     "Bahut badhiya. Maine 3 jagah price check kiya, yaha sabse zyada mila"),
    (2, "en", "REFURB", "Sneha Reddy",
     "Refurbished Redmi Note 12 Pro - battery drains really fast, 60% by noon. For a 'certified' phone "
     "I expected better. Raised a complaint."),
    (1, "en", "TRUST", "Mohit Sharma",
     "They took my phone and never paid. Fraud company. Order RS-486551, Vivo V23, 12,000 agreed. 17 "
     "days now. Executive's number is switched off. I'm filing a police complaint tomorrow.",
     {"esc": "phone taken, never paid, 17 days (RS-486551); fraud allegation + police complaint",
      "reply": "Mohit, we're sorry and we understand your concern. Your order has been escalated to "
               "our escalations team, who will contact you within 24 hours with the payment status. "
               "Please don't share more details here, we have your order ID."}),
    (4, "hg", "PICKUP", "Sachin Kadam", "service changli aahe 👍 pickup thoda late tha par chalta hai"),
    (1, "hi", "SUPPORT", "ओमप्रकाश",
     "कस्टमर केयर का नंबर ही नहीं लगता। ऐप में चैट करो तो बोट जवाब देता है। इंसान से बात कैसे करें?"),
    (5, "en", "PRAISE", "Nitin Chawla",
     "Sold 2 phones in one pickup, they handled it fine and paid both separately within minutes. "
     "Great job guys."),
    (1, "en", "PICKUP", "Swati Mishra",
     "No show. Took leave from office for this pickup. Nobody came, nobody called. Slot 12-3pm. App "
     "still says 'Executive on the way' at 7pm. Ridiculous."),
    (3, "hi", "PRICE", "अरविंद कुमार", "ठीक है, पर दाम थोड़ा कम है।"),
    (5, "hg", "PRAISE", "Sunita", "mast h"),
    (4, "en", "FEATURE", "Karan Malhotra",
     "Good app. Please show the breakup of deductions in the app after inspection, the executive just "
     "tells a number verbally."),
    (1, "en", "SPAM", "Deepika", "Wrong app downloaded, I wanted the recharge app. How do I cancel"),
    (1, "hg", "PRICE", "Vicky Singh",
     "Online quote 8000 ka, aake bola body me dent hai 5000. Dent tha hi nahi bhai, cover laga ke "
     "rakha tha 2 saal. Jhooth bolte hai"),
    (5, "en", "PRAISE", "Anil Kumar Reddy",
     "Payment came instantly through UPI. Executive was polite and patient with my old parents. 👍"),
    (2, "en", "SUPPORT", "Tejas Kulkarni",
     "Had an issue with my order and the chat keeps closing my ticket as 'resolved' without actually "
     "resolving anything."),
    (5, "hi", "PRAISE", "मोहन लाल", "बढ़िया सर्विस 👍👍"),
    (1, "en", "UPI", "Rashmi K",
     "Entered wrong UPI id by mistake and there's no way to change it after pickup is confirmed. "
     "Support says wait 7 days for the money to bounce back. Please add an edit option."),
    (5, "en", "PRAISE", "Hemant", "smooth process, no complains"),
    (1, "hg", "EXEC", "Ajay Rathore",
     "Pickup wala banda daaru pee ke aaya tha, muh se smell aa rahi thi. Meri wife ghar pe akeli thi. "
     "Bahut galat hai ye. Order RS-492077. Action lo is par",
     {"esc": "safety: executive came drunk, woman alone at home (RS-492077)",
      "reply": "Ajay ji, we're extremely sorry. This is a serious violation of our partner code of "
               "conduct. The executive has been taken off duty pending investigation and our city "
               "head will call you today."}),
    (4, "en", "PRAISE", "Shalini Verma",
     "Good service. Executive was 30 mins late but informed in advance, so no problem. Price "
     "exactly as quoted."),
    (1, "en", "BUG", "Aravind S",
     "App stuck on 'Fetching best price…' forever. Samsung A52. Uninstalled and reinstalled, same."),
    (5, "hg", "PRAISE", "Raju Bhai", "bhut accha app h sabhi ko download karna chahiye 🙏"),
    (3, "en", "REFURB", "Neeraj Goyal",
     "Phone is fine but the packaging was poor and the charger given is a cheap local one, not "
     "original. For 28k I expected the original charger at least.",
     {"reply": "Hi Neeraj, sorry about the packaging. Resello Certified phones ship with a certified "
               "compatible charger, not always the brand's original one, and we'll make that clearer "
               "on the listing. If you'd like to return the phone, write to care@resello.in."}),
    (1, "hi", "PAY", "सुरेश पाल",
     "10 दिन हो गए, पेमेंट नहीं आया। ऑर्डर नंबर RS-490215। बार बार फ़ोन कर रहा हूँ कोई नहीं उठाता।"),
    (5, "en", "PRAISE", "Divya Menon",
     "Honest inspection. They actually told me my phone was worth MORE than my quote because I "
     "underrated the condition. Didn't expect that!"),
    (1, "en", "PRICE", "Abhinav Chaturvedi",
     "great, price dropped from 14k to 6k at my door, amazing service 🙄"),
    (2, "hg", "PICKUP", "Jyoti Kumari", "pickup 3 baar reschedule hua. aakhir me maine OLX pe bech diya"),
    (5, "en", "PRAISE", "Ramesh Iyer",
     "Sold my wife's old iPhone 8, was expecting nothing but got 6,500. Quick process."),
    (4, "hi", "PRAISE", "नीलम", "अच्छा अनुभव रहा, बस ऐप थोड़ा स्लो है।"),
    (1, "en", "REFERRAL", "Arpit Jain",
     "Coupon FIRST500 not applying. says 'invalid for this device'. Then why advertise it everywhere?"),
    (1, "hg", "TRUST", "Sunil Rathod",
     "Sab log dhyan do, ye app quote zyada dikhata hai taki aap booking karo. Ghar pe aake 40% kaat "
     "dete hai. Mere saath aur mere bhai dono ke saath hua"),
    (5, "en", "PRAISE", "Jennifer D",
     "Wonderful experience. I sold my old Galaxy S10 and my husband's iPhone 7 in the same "
     "visit. Thanks Resello!"),
    (3, "hg", "SUPPORT", "Rakesh Meena", "service thik hai, customer care improve karo thoda"),
    (1, "hi", "PAY", "विनय प्रकाश",
     "6 दिन हो गए पैसा नहीं आया। बोलते हैं UTR भेजेंगे, कौन सा UTR? भेजो फिर।"),
    (5, "en", "PRAISE", "Anjali Nair",
     "Hassle free, executive Rahul was very kind. My mother was home alone and he waited till "
     "I joined on video call to confirm the price."),
    (1, "hi", "PRICE", "ब्रजेश", "बेकार ऐप, दाम कम कर देते हैं घर आकर"),
    (5, "hg", "PRAISE", "Pankaj", "1 number service 👌"),
    (4, "en", "REFURB", "Sourav Chatterjee",
     "Bought a refurbished OnePlus 9. Condition is exactly as described ('Good'), couple of micro "
     "scratches. Warranty card included. Happy."),
    (1, "en", "BUG", "Monika Sethi",
     "Cannot log in. It says 'number already registered with another account'. It's MY number. Sent "
     "3 emails."),
    (5, "hi", "PRAISE", "यश मेहरा", "पिकअप जल्दी हुआ और दाम भी सही मिला। 10/10"),
    (2, "hg", "PRICE", "Chetan Bhat",
     "1200 kaat liye 'original box nahi hai' bolke aur 500 'bill nahi hai'. App ke quote me ye kuch "
     "poocha hi nahi tha"),
    (5, "hi", "PRAISE", "कमलेश", "बहुत अच्छा"),
    (1, "hg", "PICKUP", "Sandeep Kaur",
     "Kal pickup tha, executive aaya hi nahi. Phone kiya to bola traffic me hu, phir phone switch off. "
     "App pe abhi bhi 'scheduled' dikha raha"),
    (5, "en", "PRAISE", "Ganesh M",
     "Third time selling with Resello. Consistent every time, price close to the quote and "
     "payment within minutes."),
    (1, "hg", "OTHER", "Tarun Bhatia",
     "Mera pincode 144401 serviceable nahi hai. To pehle price kyu dikhate ho, time waste"),
    (5, "hg", "PRAISE", "Megha Saxena", "App use karna easy hai aur payment bahut jaldi aaya. Bas pickup slot 2 din baad ka mila"),
    (1, "en", "SPAM", "Kunal", "hi"),
    (4, "hg", "PRICE", "Rajat Bhardwaj",
     "price thik thak mila, 500 kam kiya scratch ki wajah se. baaki sab smooth"),
    (1, "en", "PRIVACY", "Anusha Rao",
     "Why does the app need access to my contacts and call logs to sell a phone? Denied it and the "
     "app won't proceed. Not comfortable."),
    (5, "en", "PRAISE", "Siddhant", "Awesome service!!!"),
    (1, "hi", "TRUST", "महेंद्र सिंह",
     "धोखेबाज़ कंपनी है। फ़ोन ले गए और पैसे 7000 कम दिए बोले स्क्रीन बदली हुई है। स्क्रीन ओरिजिनल थी।"),
    (5, "hg", "PRAISE", "Bhavesh Patel", "Ahmedabad ma service saras che, bank me 30 min me paisa aa gaya 👍"),
    (2, "en", "FEATURE", "Ritu Agarwal",
     "Only accepts phones? I have an old iPad and an Apple Watch. Please expand categories, until "
     "then 2 stars."),
    (5, "hg", "PRAISE", "Zaid Ansari", "Bhai ekdum jhakaas, 20 min me sab khatam"),
    (1, "en", "PAY", "Rekha Pillai",
     "I chose bank transfer. It's been 72 hours. 'Payment initiated' since day 1. Nobody can tell me "
     "the status."),
    (3, "en", "BUG", "Hari Krishnan",
     "Price calculator is good but the app asks me to log in again every time I open it."),
    (5, "en", "PRAISE", "Sana Sheikh",
     "Loved how simple it was. Recommended to my whole office, two colleagues have already "
     "sold their old phones."),
    (1, "hg", "SUPPORT", "Mukesh",
     "chat support me 'agent will join shortly' 45 min se likha aa raha hai. kya mazaak hai"),
    (5, "hi", "PRAISE", "प्रिया शर्मा",
     "पहली बार ऑनलाइन फोन बेचा, डर लग रहा था, लेकिन सब सही रहा। पैसा तुरंत आ गया।"),
    (1, "en", "EXEC", "Vikram Choudhary",
     "Executive kept pressuring me to accept 4k less, said 'no one else will give you this much'. Very "
     "pushy sales tactics. Declined and he left angry."),
    (5, "en", "PRAISE", "Krishna", "⭐⭐⭐⭐⭐"),
    (4, "en", "FEATURE", "Ishaan Kapoor",
     "Pretty good. A dark mode would be nice 🙂 and maybe a way to save the quote so I can "
     "compare later."),
    (1, "hg", "PRICE", "Pinky Sharma",
     "mera phone ekdum new jaisa tha 6 mahine purana. fir bhi 3000 kaat diye. ab kabhi nahi"),
    (2, "hi", "PICKUP", "राहुल गुप्ता", "पिकअप का टाइम 10 से 1 दिया था, 4 बजे आए। पूरा दिन खराब।"),
    (5, "en", "PRAISE", "Shweta Tiwari",
     "Awesome experience. My 5 year old Samsung fetched 3,200 which is more than the exchange offer "
     "on Flipkart."),
    (1, "en", "REFURB", "Rohit Khanna",
     "Bought 'Certified Excellent' iPhone 12 for 31,999. Face ID doesn't work and the phone shows "
     "'Unknown part' for the display. This is a repaired phone sold as excellent. I want a full "
     "refund, not a replacement."),
    (5, "hg", "PRAISE", "Anil Bhai", "Good service sir ji 🙏"),
    (3, "en", "PAY", "Geetha",
     "Payment came but after 2 days. The app said instant. Please update the text if it's not instant."),
    (1, "en", "SUPPORT", "Akshay More", "Mail to support bounced back. Is this company even real?"),
    (5, "hi", "PRAISE", "निशा", "बढ़िया सर्विस, कोई झंझट नहीं।"),
    (1, "hi", "BUG", "दीपक", "ऐप खुलते ही बंद हो जाता है"),
    (5, "en", "PRAISE", "Mohammed Irfan",
     "The executive even helped me move my WhatsApp chats to my new phone before taking the old one. "
     "Above and beyond."),
    (1, "hg", "TRUST", "Satish Kumar", "Chor company. Fake review dekh ke mat aana. Sab 5 star wale paid hai"),
    (4, "en", "PICKUP", "Mansi Jain",
     "Pickup was on time, inspection took longer than I expected (almost 40 min) but it was thorough."),
    (5, "hg", "PRAISE", "Ritesh", "achha hai, paise bhi jaldi aa gaye"),
    (1, "en", "SPAM", "Ludo King Pro",
     "Best earning app!!! Earn ₹500 daily from home, join our Telegram 👉 "
     "https://t.me/earnfast_daily2026 limited seats"),
    (5, "en", "PRAISE", "Lokesh Reddy",
     "Good price for my Pixel 4a even with the battery issue. The executive didn't haggle at "
     "all. Recommend."),
    (2, "hg", "PRICE", "Aarti Singh",
     "pehle 11500 bola fir 10000. 1500 ka kya scene hai koi clear reason nahi diya"),
    (5, "hi", "PRAISE", "श्याम सुंदर", "बहुत अच्छा काम कर रहे हैं आप लोग। धन्यवाद 🙏"),
    (1, "en", "PRIVACY", "Kavitha Subramanian",
     "Sold my phone two weeks ago. Yesterday I got a Google security alert that someone signed into "
     "my Google account from a new device in Delhi. The executive had told me he would remove my "
     "account and reset it. Clearly nobody did. My photos and Drive documents were on that account. "
     "I want to know who has the phone and a written explanation.",
     {"esc": "data privacy: Google account accessed from sold phone, not wiped",
      "reply": "Kavitha, we're very sorry. Please change your Google password and remove the old "
               "device under Google Account > Security > Your devices right away. Our security team "
               "is tracing the phone and will call you within 24 hours. You can also write to "
               "privacy@resello.in."}),
    (5, "hi", "PRAISE", "ममता", "फ़ोन बेचा, पैसे तुरंत खाते में आ गए। अच्छा लगा"),
    (1, "hi", "PICKUP", "अशोक", "दो दिन से पिकअप वाला आने वाला है, आया नहीं। फ़ोन भी नहीं उठाता।"),

    "BAND 725h-2155h",
    (5, "en", "PRAISE", "Puneet Sood",
     "Quick and transparent. The executive showed me the inspection checklist on his app step by step."),
    (1, "en", "PAY", "Ankita Bhosale", "Still waiting for my 9,800. RS-463920. 2 weeks. Please just tell me when."),
    (5, "hg", "PRAISE", "Dheeraj", "Bhot badiya service hai bhai log try karo. Mera Vivo 2 saal purana tha 6500 mil gaye"),
    (1, "en", "PRICE", "Saurabh Kulshreshtha",
     "I am writing this after 3 weeks of running behind this company so that nobody else goes through "
     "what I went through. I booked a pickup for my Samsung Galaxy S21 FE, 8/128, bought in 2023, "
     "always used with cover and tempered glass, bill and box available. The app quoted ₹18,700. "
     "First pickup slot: nobody came. Second slot: the executive called at 9 pm saying he will come "
     "'tomorrow morning'. He came the next day at 1 pm, checked the phone for 35 minutes, ran some "
     "app on it and then said the display has 'burn-in' and the price is now ₹11,000. There is no "
     "burn-in, I showed him a full white screen, he said 'our app is detecting it, I can't do "
     "anything'. I needed the money because I had already paid for my new phone, so like a fool I "
     "agreed. He said payment will come in 2 hours. It did not. Day 3: chat says 'under "
     "verification'. Day 6: email says 'payment processed', nothing in my account, bank says no "
     "incoming transaction. Day 9: they ask ME for a UTR?? Day 12: finally I get the money, wait no, "
     "₹10,500, because of a 'handling fee' mentioned nowhere in the app. I have called the helpline 14 "
     "times. Each time a new person, each time I explain everything from the start, each time 'sir we "
     "have escalated on priority'. Priority of what? The app looks nice, the ads look nice, but the "
     "moment your phone leaves your hand you become nobody to them. Sell on OLX, sell to the shop "
     "in your area, sell to a friend. Anything but this. And yes, I have screenshots of everything.",
     {"reply": "Saurabh, we've read your review in full and we're sorry, this is not how selling "
               "with us should feel. The handling fee should not have been charged; our team is "
               "refunding ₹500 and a senior manager will call you today. – Ritu, Customer "
               "Experience Lead"}),
    (4, "hg", "PRICE", "Pooja Shetty", "Jo bola wahi kiya. 4 star kyunki quote se 700 kam mila"),
    (5, "hi", "PRAISE", "हरीश चंद्र", "मेरा पुराना फोन घर बैठे बिक गया, बहुत बढ़िया।"),
    (1, "hg", "PICKUP", "Neha Rawat",
     "2 din se pickup ka wait kar rahi hu, koi update nahi. customer care bolta hai 'soon'. soon kab hai?"),
    (2, "en", "BUG", "Akhil",
     "The OTP screen auto-reads the SMS but then says 'invalid OTP'. Typing it manually works. Weird bug."),
    (5, "en", "REFURB", "Tanya Bhatt",
     "Bought a refurb Samsung S20 FE for my dad. Works like new, 6 month warranty is a relief. "
     "Delivered in 3 days to Lucknow."),
    (1, "hi", "PRICE", "संजय वर्मा", "ऑनलाइन 15000 दिखाया, घर पर 9000 बोला। मैंने मना कर दिया। समय बर्बाद।"),
    (5, "hg", "PRAISE", "Farah Naaz", "Lovely experience 😊 abbu ka purana Samsung tha, executive ne unko bhi aaram se samjha ke sab kiya"),
    (1, "en", "TRUST", "Vineet Arora",
     "<b>DO NOT SELL YOUR PHONE HERE</b> they will quote high and then reduce at the doorstep. "
     "Happened with me and 2 colleagues."),
    (4, "hg", "PRAISE", "Rohit Pal", "sahi hai, bas thoda price aur badhao 😄"),
    (1, "en", "SUPPORT", "Sowmya",
     "Raised ticket #RS-T-88213 10 days back about a wrong deduction. No response, not even an "
     "acknowledgement. Pathetic."),
    (5, "en", "PRAISE", "Karthik Subramaniam",

     "Easy process, friendly executive. Payment within 5 minutes via UPI. He also put my SIM "
     "into the new phone for me, small thing but nice."),
    (3, "hi", "PICKUP", "रेखा", "फोन तो बिक गया लेकिन पिकअप वाले ने 3 बार कॉल करके पता पूछा।"),
    (1, "en", "PAY", None,
     "Payment failed and now they say it will be retried in 5 working days. I sold the phone to pay "
     "my fees, this is causing a lot of trouble.", {"noauthor": True}),
    (5, "hg", "PRAISE", "Nikhil Thakur", "First time try kiya, bahut sahi experience raha. Paisa turant mila"),
    (5, "en", "PRAISE", "Mahesh", "👌👌👌"),
    (1, "hg", "REFERRAL", "Sagar Patil", "refer kiya 3 dosto ko, ek bhi reward nahi mila. bas jhoothe offers"),
    (5, "en", "PRAISE", "Elizabeth Thomas",
     "Very smooth transaction. The executive was courteous and quick. Would recommend to anyone "
     "looking to sell an old phone."),
    (2, "en", "PRICE", "Nakul Dev", "Expected more. Battery deduction was 2,000 for 79% health, which is too much."),
    (5, "hi", "PRAISE", "अमित", "बेहतरीन"),
    (1, "en", "TRUST", "Rahul Nanda",
     "Big scam. Quote 19k → final 8k. If your phone is good they will still find something. Don't "
     "fall for it."),
    (5, "hg", "PRAISE", "Gurpreet Singh",
     "Sat sri akal ji! Ludhiana vich pickup time te hoya, paisa vi time te aa gaya 👍"),
    (4, "en", "BUG", "Varsha", "Works, but the app sends way too many notifications. 5 a day is too much."),
    (1, "hg", "PAY", "Manpreet Kaur",
     "Mera phone 17 din pehle le gaye, aaj tak paise nahi aaye. Order RS-471388, 13,200 rupaye. Har "
     "baar bolte hai 'escalate kar diya hai'. Ab main lawyer se notice bhejwa rahi hu.",
     {"esc": "money not received, 17 days (RS-471388, ₹13,200); lawyer notice",
      "reply": "Manpreet ji, we sincerely apologise for the delay. RS-471388 is now with our "
               "payments head and you will receive a call within 24 hours. We'll make sure this is "
               "closed."}),
    (5, "en", "PRAISE", "Abhijit Sen",

     "Excellent. Sold my old Moto in Kolkata, executive arrived in 90 minutes even though it "
     "was raining heavily."),
    (1, "en", "BUG", "Nisha R",
     "Error 'Device not supported' for Realme GT Master Edition?? It's a 2 year old popular phone."),
    (5, "hg", "PRAISE", "Bablu Kumar", "Good service h bhai"),
    (3, "en", "REFURB", "Santosh Hegde",
     "Refurbished phone quality is ok. Warranty claim process is slow though, took 12 days to get my "
     "speaker fixed."),
    (1, "hi", "SUPPORT", "राम किशोर", "कोई सुनवाई नहीं। ईमेल का जवाब नहीं, कॉल नहीं उठता।"),
    (5, "en", "PRAISE", "Vandana Rao", "Good experience. Quote and final price were exactly the same!"),
    (1, "en", "SPAM", "Jai Shree Ram 🚩", "Jai shree ram 🙏🚩"),
    (5, "hg", "PRAISE", "Tushar Gupta", "best app hai purana phone bechne ke liye, 2 baar use kiya dono baar sahi raha"),
    (1, "hg", "PRICE", "Arjun Yadav",
     "Bhai phone pe ek line bhi nahi thi. Bola 'display me dot hai'. Torch maar maar ke dhundha "
     "unhone. 2500 kam. Never again"),
    (4, "en", "PICKUP", "Catherine",
     "Rescheduled once from their end, otherwise good. The new slot was the next morning and "
     "they were on time."),
    (5, "hi", "PRAISE", "सुमन", "सर्विस अच्छी लगी।"),
    (1, "en", "PAY", "Ashwin Kumar",
     "The executive paid 'instant cash' but 500 short, said he didn't have change and will UPI the "
     "rest. Never came. Small amount but principle matters."),
    (5, "en", "PRAISE", "Neel", "👍 good"),
    (2, "hg", "BUG", "Chandan Mishra",
     "app me address save nahi hota, har baar dobara dalna padta hai. pincode bhi galat detect karta hai"),
    (5, "en", "PRAISE", "Radhika Menon",
     "Really impressed with how quickly everything happened. Booked at 11, done by 2."),
    (1, "en", "PRIVACY", "A Google user",
     "They ask for Aadhaar photo for KYC. Why do you need my Aadhaar to buy a used phone? What happens "
     "to that data?"),
    (5, "hg", "PRAISE", "Firoz Khan", "sabse accha rate yahin mila, thanks"),
    (1, "en", "PICKUP", "Shilpa Nair",
     "Cancelled my pickup without informing. Found out only when I opened the app. Rebooked and the "
     "new quote is 1,500 lower. Convenient."),
    (5, "en", "PRAISE", "Siddharth Jain", "Top notch service 🔥"),
    (3, "en", "FEATURE", "Rahul Bhardwaj",
     "Good concept. Need an option to drop the phone at a store instead of waiting for pickup, I'm "
     "not home on weekdays."),
    (1, "hi", "PAY", "गोपाल दास", "पैसे नहीं मिले अब तक। बहुत परेशान हूँ।"),
    (5, "en", "PRAISE", "Asha", "Nice and easy 😊"),
    (4, "hg", "PRAISE", "Vishal Rana",
     "sab badhiya tha, bas executive ko thodi jaldi thi, 10 min me sab check karke nikal gaya. "
     "Paisa time pe aa gaya"),
    (1, "hg", "TRUST", "Hitesh Shah", "Total scam hai. Fake quote. 1 star bhi zyada hai"),
    (5, "en", "PRAISE", "Preethi Raj",
     "The easiest way to sell your phone. I had tried OLX for a month and got only lowballers "
     "and scammers. Thank you!"),
    (1, "hg", "BUG", "Raman", "update ke baad login hi nahi ho raha, 'session expired' bol raha hai baar baar"),
    (5, "hg", "PRAISE", "Ayush Tripathi",
     "OnePlus 7T becha, 8900 mile. Executive time pe aaya aur ekdum chill banda tha 😄"),
    (1, "en", "REFURB", "Mehul Desai",
     "Ordered refurbished iPhone 11, received a phone with 78% battery health. Listing said minimum "
     "85%. Return request rejected saying 'within acceptable range'."),
    (5, "hi", "PRAISE", "सुधा", "बहुत बढ़िया ऐप है सबको इस्तेमाल करना चाहिए"),
    (1, "en", "PRICE", "Prashant Kumar",
     "Deducted 2k because the phone had a screen guard with a crack. The SCREEN GUARD. He refused to "
     "remove it and check."),
    (5, "hg", "PRAISE", "Komal", "Acchi service, trusted app 👍"),
    (2, "hg", "PAY", "Jayant",
     "4 din laga payment aane me. Urgent paise chahiye the isliye becha tha, local dukaan pe de deta "
     "to better tha"),
    (5, "hi", "PRAISE", "लता", "सर्विस से खुश हूँ।"),
    (1, "en", "SPAM", "Rohan", "Nice game"),
    (5, "hi", "PRAISE", "सुनील नायक", "रिसेलो टीम बहुत अच्छा काम कर रही है, ऐसे ही करते रहो"),
    (3, "hg", "PRICE", "Ankur Mishra", "theek thak hai. quote se 800 kam mila"),
    (1, "en", "EXEC", "Simran Kaur",
     "Executive was on his phone the entire time, kept taking calls, and then told me my phone has "
     "'water damage' without even opening anything. Refused."),
    (5, "hg", "PRAISE", "Aniket Sawant", "Pune me accha experience raha. Paise turant mil gaye, koi kat-kati nahi"),
    (1, "hi", "TRUST", "किशन लाल", "चोर है ये लोग"),
    (5, "en", "PRAISE", None,
     "Fast and easy. Got a fair price for an old Redmi with a broken camera glass, honestly "
     "didn't expect them to take it.", {"noauthor": True}),
    (4, "en", "REFURB", "Deepti Joshi", "Refurbished Galaxy A52 for my mom, good condition. Delivery was a day late."),
    (1, "en", "SUPPORT", "Aman Verma",
     "They closed my complaint without calling me. Just an email saying 'resolved'. It's not."),
    (5, "hg", "PRAISE", "Salman", "Zabardast service 👌"),
    (1, "hg", "PAY", "Heena Patel", "UPI pe payment bheja bole, par mere account me nahi aaya. UTR number bhi galat diya"),
    (5, "en", "PRAISE", "Thomas Varghese",
     "Service was good. Kochi pickup within the same day. Only wish the app showed the "
     "executive's name and photo before he arrives."),
    (2, "hi", "BUG", "विनोद", "ऐप बहुत धीमा है, बार बार अटकता है।"),
    (5, "en", "PRAISE", "Kriti Bansal", "Loved it ❤️"),
    (1, "en", "PRICE", "Anand Kulkarni",
     "The questions in the app are vague ('minor scratches' vs 'visible scratches') and the executive "
     "uses that vagueness against you.", {"title": "Misleading quotes"}),
    (5, "en", "PRAISE", "Naveen", "Excellent service and good value. The quote matched to the rupee."),
    (1, "hg", "PICKUP", "Parul",
     "Subah 9 baje se wait kar rahi thi, executive 6 baje aaya aur bola aaj inspection nahi ho "
     "payega kyunki uska app nahi chal raha. Kya bakwas hai"),
    (5, "hi", "PRAISE", "जगदीश प्रसाद", "अच्छा"),
    (4, "en", "FEATURE", "Rohan Sharma", "Good service. Please add more payout options like Paytm wallet."),
    (1, "en", "TRUST", "Yogesh Pawar",
     "I suspect the 5 star reviews here are fake. Everyone I know had their price cut."),
    (5, "en", "PRAISE", "Harini",
     "Simple, quick. The price was better than what Amazon exchange offered."),
    (3, "hg", "PICKUP", "Mohan", "pickup time pe nahi aate. baaki theek"),
    (1, "ar", "OTHER", "عبدالله المنصوري",
     "\u200fلا أستطيع التسجيل برقم إماراتي، التطبيق يطلب رقم هندي فقط. أريد بيع هاتف أخي في كوتشي"),
    (1, "en", "PAY", "Kapil Dev Sharma",
     "Sold phone, amount was 7,400. Only 7,000 credited. They say 400 was 'platform fee'. Nobody told "
     "me about any platform fee."),
    (5, "hg", "PRAISE", "Guddu", "bahut acha laga app"),
    (2, "en", "PRICE", "Varun Nambiar",
     "Quote keeps changing every time I refresh the page. 12k, then 11k, then 11.5k. Which one is real?",
     {"title": "Good concept, bad execution"}),
    (5, "hg", "PRAISE", "Sheetal Kulkarni", "Jaldi aur convenient. Office se half day leke aayi thi par 1 ghante me sab ho gaya, thanks team"),
    (1, "hi", "PICKUP", "रवि", "तीन दिन से पिकअप का इंतज़ार कर रहा हूँ। कोई नहीं आया।"),
    (4, "hg", "PRAISE", "Shahid", "badhiya hai, price thoda kam lagta hai baaki apps se par fast hai"),
    (1, "en", "BUG", "Tanmay", "App crashes on Android 14 when I try to upload photos. OnePlus Nord CE 3."),
    (5, "en", "PRAISE", "Meera Krishnan",
     "My second time selling. Still the best experience compared to the exchange offers on "
     "shopping sites."),
    (1, "hg", "SUPPORT", "Rinku", "customer care ka number galat hai kya? kabhi lagta hi nahi"),
    (3, "en", "REFURB", "Sumit Rathi",
     "Refurbished Redmi Note 11 is working fine but delivery took 9 days to Bhopal.",
     {"title": "Okay phone, slow delivery"}),
    (5, "hi", "PRAISE", "मंजू", "बढ़िया सर्विस है"),
    (1, "en", "PRICE", "Suraj Nair",
     "Quote 10,500, final 6,000. Reason: 'back glass micro crack'. There is no crack. I have photos. "
     "Didn't sell obviously."),
    (5, "hg", "PRAISE", "Ajit", "Fatafat kaam hua 👍"),
    (1, "en", "SPAM", "Priya Singh", "Please give me free phone I am poor student 🙏🙏"),
    (5, "hi", "PRAISE", "गिरीश", "बिना किसी परेशानी के फोन बिक गया। शुक्रिया"),
    (2, "hg", "PAY", "Kamal Joshi", "paisa aa gaya par 3 din laga. instant bolke 3 din"),
    (5, "en", "PRAISE", "Nikita Rane",
     "Very professional team. They had an ID card, an inspection app and a printed receipt. "
     "Good job."),
    (1, "hi", "REFURB", "विजय कुमार",
     "रिफर्बिश्ड फ़ोन लिया था, 10 दिन में स्क्रीन में लाइन आ गई। वारंटी में बदलने को बोला तो 15 दिन से कोई जवाब नहीं।"),
    (5, "en", "PRAISE", "Sudeep", "Good experience 👍"),
    (1, "hg", "BUG", "Rahul Kumar", "'Verification failed, try again later'. Bas yahi aata hai har baar. 2 din se try kar raha hu"),
    (4, "en", "PRAISE", "Sanjana",
     "Nice service, will recommend. Minus one star for the long inspection, the executive's "
     "app kept restarting."),
    (5, "hg", "PRAISE", "Ramesh Bhai Patel", "bahu saras service che 👍"),
]

# ---------------------------------------------------------------------------------------------
# App Store reviews, newest first. Titles are mandatory on the App Store.
# ---------------------------------------------------------------------------------------------

ASC = [
    "BAND 0h-21h",
    (1, "en", "PAY", "adityak_91", "Where is my money?",
     "iPhone 13 picked up 8 days ago. Order RS-520377, ₹34,000. Every day the chat bot says "
     "'payment will be processed in 24-48 hours'. This is a huge amount for me. If I don't get it "
     "this week I'm going to consumer court, I have all the screenshots and the pickup slip signed "
     "by your executive.",
     {"esc": "money not received, 8 days (RS-520377, ₹34,000); consumer court threat"}),
    (5, "en", "PRAISE", "Shruti M", "Effortless",
     "Sold my iPhone XS. The guy checked Face ID, battery, camera, made sure I signed out of iCloud "
     "and erased the phone in front of me. Money came before he left. 10/10"),
    (4, "hg", "PRICE", "Rahul_J", "Theek hai",
     "Battery health 84% thi to 1500 kaat liye, baaki process acha tha. iOS app bhi smooth chalta hai"),
    (1, "en", "BUG", "prateek.v", "Crashes right after the splash screen",
     "App crashes immediately after the splash screen since I updated iOS. Please fix, I have a pickup "
     "scheduled tomorrow and can't even see the details."),
    (5, "hi", "PRAISE", "अनुराग", "बढ़िया",
     "आईफ़ोन बेचना इतना आसान होगा सोचा नहीं था। धन्यवाद टीम।"),
    (2, "en", "PICKUP", "Megha_S", "Rescheduled again",
     "Second time my pickup got moved to 'next available slot'. I'm in Whitefield, not exactly the "
     "middle of nowhere."),

    "BAND 25h-70h",
    (5, "en", "PRAISE", "Karan Oberoi", "Best resale experience",
     "Compared prices across 3 apps and a local store. Resello gave ₹2,000 more for my iPhone 12 mini "
     "and the pickup was the same evening."),
    (1, "hg", "TRUST", "Sunny.k", "Dhokha",
     "App pe 28k dikhaya iPhone 12 ka, ghar aake bola 'non-genuine display' 17k. Phone Apple store se "
     "liya tha bhai, original hai. Ye log jaan boojh ke karte hai"),
    (3, "en", "FEATURE", "ritu_b", "Needs an exchange option",
     "Works fine for selling but I want to exchange my old iPhone towards a refurbished one in one "
     "go. Right now it's two separate orders and the credit is confusing."),
    (5, "en", "PRAISE", "Vishnu P", "Quick", "Done in 20 mins."),
    (1, "en", "PRIVACY", "Nandita R.", "My photos were not wiped",
     "I sold my old iPhone 11 through Resello last month. Yesterday an unknown number sent me two of "
     "my own family photos on WhatsApp asking if I 'want them deleted'. The only place those photos "
     "existed apart from iCloud was that phone. The executive told me he would erase it. I'm "
     "terrified. I need to know immediately who has the device. I've emailed twice with no reply.",
     {"esc": "data privacy + extortion: personal photos from sold iPhone sent by a stranger",
      "reply": "Nandita, we're deeply sorry and we're treating this as a top-priority security "
               "incident. Our security team has traced your order and will call you today. Please "
               "don't reply to the sender; we will also help you file a cyber crime complaint. You "
               "can reach the team directly at privacy@resello.in."}),
    (5, "hg", "PRAISE", "Imran.S", "Zabardast",
     "Ek dum smooth. Executive ne khud iCloud logout karwaya aur reset kiya mere saamne. Payment UPI "
     "pe turant"),
    (2, "en", "PAY", "Jess K", "Slow payment",
     "Payment took 3 days to reach my HDFC account. App says instant. Please don't write instant if "
     "it isn't."),
    (5, "en", "PRAISE", "dr.anand", "Good service", "Simple and reliable. Second phone I've sold here."),
    (1, "hi", "SUPPORT", "संदीप_जी", "कोई जवाब नहीं",
     "ईमेल किया, चैट किया, कॉल किया। कहीं से कोई जवाब नहीं मिला। ऑर्डर अभी भी पेंडिंग दिखा रहा है।"),
    (4, "en", "REFURB", "Aparna Iyer", "Refurbished iPhone 13 – good",
     "Bought the 'Superb' grade. Genuinely looks unused. Battery at 89% though, I was hoping for 90+. "
     "Overall happy."),
    (1, "en", "PRICE", "Gautam", "Bait and switch",
     "Quoted 22,500. Executive offered 14,000 citing a 'minor dent on frame'. A dent you need to tilt "
     "the phone at 45° under a torch to see. Didn't sell."),
    (5, "en", "PRAISE", "pia", "🙌", "🙌🙌🙌"),

    "BAND 75h-162h",
    (5, "en", "PRAISE", "Harsh G.", "Recommended",
     "My dad sold his old iPhone 7 with zero hassle. The executive was patient with him and explained "
     "every step."),
    (1, "en", "EXEC", "Ritika Sharma", "Threatened by your executive",
     "When I refused the revised price (from 19k to 11k) your pickup executive refused to leave and "
     "said he 'knows where I live' and I should think carefully before posting anything online. I'm "
     "a woman living alone. I have his name from the SMS. I have informed the local police station "
     "and I expect Resello to contact me today.",
     {"esc": "safety: executive threatened customer living alone; police informed",
      "reply": "Ritika, we are extremely sorry. What you describe is unacceptable and we have "
               "suspended the executive's access immediately. Our Head of Operations will call you "
               "today, and we will fully support the police inquiry. If you feel unsafe at any "
               "point, please call 112 first."}),
    (5, "hg", "PRAISE", "ankit_pune", "Mast",
     "Pune me same day pickup mila. Badiya experience 👍 dost ko bhi bola hai"),
    (3, "en", "PICKUP", "Leena", "OK",
     "Executive came an hour late but the process itself was fine and payment was quick."),
    (1, "en", "BUG", "Nitin Rao", "Login loop with Sign in with Apple",
     "Sign in with Apple creates a new account each time, my old orders are gone from the app. "
     "Please merge accounts or fix this."),
    (5, "en", "PRAISE", "Priya N.", "Excellent!", "Excellent service. Payment received instantly while the executive was still at the door."),
    (2, "hg", "PRICE", "Vikas_M", "Price kam",
     "Quote 31000 tha iPhone 13 ka, final 27000. Battery 86% thi bas, aur kuch bhi issue nahi tha"),
    (5, "en", "PRAISE", "Arvind in Seattle", "Sold my parents' phone from the US",
     "Booked a pickup for my parents in Chennai from here in Seattle. The executive called my dad, "
     "was very respectful, and the payment went straight to my dad's account. Made my life easy.",
     {"territory": "USA"}),
    (1, "hi", "PAY", "मनीष", "पेमेंट नहीं आया",
     "पाँच दिन हो गए, पैसा नहीं आया। ऑर्डर RS-507752। हर बार बोलते हैं कल आ जाएगा।"),
    (5, "en", "PRAISE", "Sam", "Good", "Good app"),
    (4, "en", "FEATURE", "kavya.tech", "Almost perfect",
     "Please add Apple Watch and AirPods. I'd sell them all together with the phone."),
    (1, "en", "TRUST", "Anonymous123", "Fraud", "Fraud app. The quote means nothing, they decide the price at your door."),
    (5, "hg", "PRAISE", "Simran", "Acha hai",
     "Bohot hi acha experience tha. iPhone 11 ke 24k mile, jo quote tha wahi. Thank you "
     "Resello ❤️"),
    (2, "en", "SUPPORT", "Rohan T", "Support is a bot",
     "I just want to talk to a human about a deduction. The chat keeps sending me FAQ links."),

    "BAND 170h-720h",
    (5, "en", "PRAISE", "Maya", "Painless",
     "Honestly painless. Executive took 15 min, payment instantly. Will sell my husband's phone next."),
    (1, "en", "PAY", "Deepak R", "Payment pending for a week",
     "Sold my iPhone 11 a week ago. The app shows 'Payment initiated'. Bank shows nothing. Order "
     "RS-499684."),
    (5, "hi", "PRAISE", "पूजा", "बहुत अच्छा", "बहुत अच्छा अनुभव रहा। सब कुछ समय पर हुआ।"),
    (1, "hg", "PRICE", "mohit_99", "Bekaar",
     "Face ID ekdum kaam kar raha tha, bola 'Face ID issue' aur 8000 kaat diye. Bakwas"),
    (5, "en", "PRAISE", "Nehal", "Seamless",
     "Seamless. The 'how to remove Find My' guide in the app was really helpful, did it in 2 min."),
    (3, "en", "REFURB", "Arjun K.", "Decent refurb",
     "iPhone 12 refurbished works fine, but there's a tiny dent near the charging port that wasn't "
     "shown in the photos."),
    (1, "en", "PICKUP", "Rashi", "No show, twice",
     "Two no-shows in one week. Not even a call or SMS, the app just moved the slot to the next day "
     "on its own. I'm done."),
    (5, "hg", "PRAISE", "Abhi 😎", "Sahi hai", "sahi app hai, paisa time pe aaya. bas notification thode zyada aate hai"),
    (4, "en", "PRAISE", "Meenakshi", "Good but slow inspection",
     "Inspection took 45 minutes because their app kept hanging on the executive's phone. Otherwise "
     "good price and quick payment."),
    (1, "en", "SPAM", "CryptoKing", "💰 Make money daily",
     "Earn passive income with crypto signals, DM on Telegram @cryptokingsignals 🚀🚀"),
    (5, "en", "PRAISE", "Tarun M", "Trustworthy",
     "Was sceptical at first, but they were transparent about every deduction and showed me the "
     "photos they took during inspection."),
    (2, "hi", "PICKUP", "राजेश", "देरी", "पिकअप चार घंटे देर से हुआ। किसी ने फ़ोन करके बताया भी नहीं।"),
    (5, "hg", "PRAISE", "sneha.j", "Great experience",
     "Great experience! Pehli baar iPhone online becha, sab kuch transparent tha aur paisa 5 min me aa gaya"),
    (1, "en", "TRUST", "Karthik Raman", "They kept my phone and never paid",
     "The executive said the phone needs a 'further check at the warehouse' and took it with him, "
     "promised payment in 2 days after verification. 12 days later: no money, no phone. Order "
     "RS-491560. This is plain theft. I've sent a legal notice through my lawyer.",
     {"esc": "phone taken, not paid or returned, 12 days (RS-491560); legal notice sent",
      "reply": "Karthik, we're sorry for the distress this has caused. Your order RS-491560 is with "
               "our escalations team and your device is safely at our Bengaluru facility. We will "
               "either pay the agreed amount or return the phone within 48 hours, whichever you "
               "prefer. A team member will call you today."}),
    (5, "hg", "PRAISE", "Raj", "👍", "badiya service"),
    (4, "en", "PRICE", "Anjali_D", "Fair enough",
     "Got ₹1,000 less than the quote because of battery health, which is honest. I'd have liked the "
     "app to ask for battery health upfront."),
    (1, "en", "BUG", "Varun S", "OTP issue", "OTP never arrives on my Vi number. Tried for 2 days."),
    (5, "en", "PRAISE", "Ishita", "Love it",
     "Love how easy it is. Sold my iPhone 8 Plus in an hour."),
    (1, "hg", "SUPPORT", "Gaurav_007", "Customer care zero",
     "Customer care me koi phone hi nahi uthata. 3 din se try kar raha hu, order ka status bhi nahi "
     "dikh raha"),
    (5, "en", "PRAISE", "Ravi from Leicester", "Sorted my mum's phone from the UK",
     "Arranged a pickup for my mum in Ahmedabad from the UK. Everything was done without me having to "
     "fly in. Brilliant service, cheers.", {"territory": "GBR"}),
    (3, "hg", "PAY", "Shivani", "Theek", "Paisa aaya lekin 2 din baad. App me instant likha tha"),
    (1, "hg", "PRICE", "Abhishek M", "Worst",
     "Worst experience. Quote 26k tha, darwaze pe 15k bola. 40% cut, kuch bhi"),
    (5, "en", "PRAISE", "Rohit", "Superb", "Superb!!"),
    (5, "hi", "PRAISE", "कविता", "अच्छी सेवा", "सेवा अच्छी है, पैसा तुरंत आ गया। बेटी ने ऐप पर बुक किया था।"),
    (2, "en", "PRIVACY", "Aditi Bhatt", "Why do you need my Aadhaar?",
     "The KYC step asks for Aadhaar front and back photos. Please explain where this is stored and "
     "for how long. There's no privacy info in the app."),
    (5, "en", "PRAISE", "vikram_s", "Excellent",
     "Excellent service. The executive knew his stuff about iPhones and was polite."),
    (2, "en", "REFURB", "Sonia", "Warranty claim pending",
     "The speaker of my refurbished iPhone 11 crackles. Warranty claim raised 2 weeks ago, still 'in "
     "review'."),
    (5, "hg", "PRAISE", "Naveen K", "Best app",
     "Best app hai phone bechne ke liye. Bina kisi tension ke ho gaya"),
    (1, "en", "BUG", "Shreyas", "Can't upload photos",
     "Photo upload fails at 99% every single time. Tried on WiFi and 5G. iPhone 13, latest app "
     "version."),
    (4, "en", "PRAISE", "Kunal B", "Pretty good",
     "Pretty good service overall. Would've been 5 stars if the pickup was in the slot I chose."),
    (5, "en", "PRAISE", "Faisal", "Good for my family in Kerala",
     "Booked for my brother in Kozhikode while I'm in Dubai. Smooth, he got the money same day.",
     {"territory": "ARE"}),
    (1, "hg", "PRICE", "Tina", "Galat",
     "Screen pe koi scratch nahi tha phir bhi 'screen scratches' likh diya report me. Sab jhooth"),
    (5, "hi", "PRAISE", "मंजू", "धन्यवाद",
     "जल्दी पेमेंट के लिए धन्यवाद! पापा का पुराना आईफ़ोन 7 था, उसके भी अच्छे पैसे मिले।"),
    (1, "en", "PAY", "Rakesh Bhatia", "Partial payment",
     "Received ₹21,000 out of ₹23,500. Nobody can explain the ₹2,500 difference. Order RS-484907."),
    (5, "en", "PRAISE", "Lakshmi", "Very happy",
     "Very happy with the service, will recommend to my friends at work."),
    (3, "en", "FEATURE", "Ajay", "Good but...",
     "Good service but please add an option to track the executive on a map like the food delivery "
     "apps."),
    (1, "hi", "TRUST", "रमेश", "धोखाधड़ी", "ये लोग धोखेबाज़ हैं। घर पर आकर आधे दाम बोलते हैं।"),
    (5, "en", "PRAISE", "Anu💫", "So easy",
     "So easy! Even my grandmother could do it 😄 she sold her old iPhone 6 herself and called "
     "me only to brag."),
    (2, "en", "PICKUP", "Suresh K", "Late",
     "Executive was 3 hours late with no call. When I called him he said 'on the way' four times."),
    (5, "hg", "PRAISE", "Sahil", "Ekdum sahi", "ekdum sahi service bhai, koi jhanjhat nahi"),
    (1, "en", "EXEC", "Harpreet", "Rude behaviour",
     "Executive was rude and said 'take it or leave it, I don't have time'. Unprofessional."),
    (5, "en", "PRAISE", "Dev", "👌", "Good"),
    (4, "hi", "REFURB", "शालिनी", "अच्छा फोन",
     "रिफर्बिश्ड आईफ़ोन अच्छी हालत में आया। डिलीवरी में दो दिन की देरी हुई।"),
    (1, "en", "BUG", "Akash P", "Broken after update",
     "After the update, the 'My Orders' page is blank. I can't see my pickup details."),
    (5, "en", "PRAISE", "Ramya", "Loved it",
     "Loved the experience. The price was more than I expected for my 4 year old iPhone."),
    (1, "en", "SPAM", "Mr. Funny", "Haha", "Which app is this lol I thought it was a game"),
    (5, "hg", "PRAISE", "Vijay", "Acha", "Acha hai, trust kar sakte ho. Maine 2 phone beche hai dono baar sahi"),
    (2, "en", "PRICE", "Nikita", "Too many deductions",
     "₹500 for no box, ₹700 for no charger, ₹1,200 for scratches. Death by a thousand cuts."),
    (5, "hg", "PRAISE", "Akshay J", "Perfect",
     "Perfect experience start se end tak. Executive ne data wipe bhi mere saamne kiya"),
    (1, "en", "REFERRAL", "Chirag", "Referral scam",
     "Referral reward shows 'pending' forever. My friend sold his phone 3 weeks ago. Classic "
     "trick."),
    (3, "hg", "PICKUP", "Manish", "Late tha",
     "executive late tha par banda acha tha. payment bhi jaldi mil gaya"),
    (1, "en", "SUPPORT", "Yamini", "Where is my phone?",
     "My order was cancelled by you and the phone has now been with your executive for 2 days??? "
     "Nobody knows where it is. Support says 'we will check'.",
     {"esc": "phone taken and order cancelled; device unaccounted for",
      "reply": "Yamini, we're very sorry. We've located your phone with our Hyderabad hub and our "
               "team will return it to you tomorrow, or complete the sale at the agreed price if "
               "you prefer. Our escalations team will call you within 2 hours to confirm."}),
    (5, "en", "PRAISE", "Joel", "Smooth",
     "Smooth transaction, no complaints. Got ₹200 more than the quote because I still had the "
     "original box."),
    (5, "hi", "PRAISE", "अजय कुमार", "सर्वश्रेष्ठ", "सबसे अच्छा ऐप है पुराना फोन बेचने के लिए।"),
    (1, "en", "UPI", "Sagar", "Payment details won't save",
     "Bank account details won't save. 'Invalid IFSC' for a valid SBI IFSC. UPI option is greyed "
     "out too."),
    (4, "en", "PRAISE", "Preeti S", "Good",
     "Good experience, the executive was professional and explained the deductions properly. One "
     "star off because the slot was moved once."),
    (5, "hg", "PRAISE", "Kunal_D", "Mazaa aa gaya", "1 ghante me sab ho gaya, mazaa aa gaya 😄"),
    (1, "hg", "PICKUP", "Aarav_M", "Pickup cancel",
     "3 baar pickup cancel hua, har baar last moment pe SMS. Time ki koi value nahi hai inke liye"),

    "BAND 725h-2155h",
    (1, "en", "PRICE", "Amit Khurana", "Don't trust the quote",
     "The quote is just a hook. I booked because of the price and the executive started negotiating "
     "from half of it."),
    (5, "en", "PRAISE", "Riya", "Superb service",
     "Superb service, got paid immediately. The executive even had a spare SIM ejector because I "
     "lost mine 😂"),
    (1, "ar", "OTHER", "م. خالد", "لا يعمل خارج الهند",
     "\u200fحاولت بيع هاتف والدي في حيدر أباد من هنا، لكن التطبيق لا يقبل رقم الإمارات للتحقق. "
     "Please allow international numbers for OTP.",
     {"territory": "ARE",
      "reply": "Thank you for writing to us. Sign-up currently needs an Indian mobile number for the "
               "OTP. Your father can sign up with his own number, or anyone in the family with an "
               "Indian number can book the pickup for him. International numbers are on our "
               "roadmap."}),
    (5, "hg", "PRAISE", "Pooja R", "Acha experience",
     "Acha experience raha, executive time pe aaya aur iCloud hatane me help bhi ki"),
    (2, "en", "PAY", "Sandeep", "Delay",
     "Payment delayed by 3 days without any communication. An SMS saying 'bank holiday, will be "
     "credited Monday' would have been enough."),
    (5, "en", "PRAISE", "Kiran", "Wonderful",
     "Wonderful service. I sold my iPhone 11 Pro and the amount was in my account in under 10 "
     "minutes."),
    (1, "hi", "PRICE", "मुकेश", "बहुत कम दाम",
     "आईफ़ोन 11 के सिर्फ़ 12000 दिए, ऑनलाइन 19000 दिखा रहे थे।"),
    (5, "en", "PRAISE", "Neil", "Easy", "Easy peasy."),
    (1, "en", "EXEC", "Shraddha", "Executive argued with my father",
     "The executive argued with my 70 year old father over a ₹300 difference and raised his voice. "
     "Disrespectful. We didn't sell."),
    (5, "hg", "PRAISE", "Yogita", "Nice",
     "Bahut simple app hai. Mummy ne khud booking kar li, mujhe kuch karna hi nahi pada"),
    (4, "hg", "PRICE", "Rajesh_K", "Thik hai", "price thoda kam mila par process fast tha"),
    (1, "en", "BUG", "Apoorva", "Can't sign in",
     "Sign in with Apple fails with 'Unknown error'. Phone number login works, but then my old "
     "orders don't show."),
    (5, "en", "PRAISE", "Jatin", "Impressed",
     "Impressed with the transparency. Every deduction had a photo attached in the app."),
    (3, "en", "REFURB", "Shalini K", "Average",
     "Phone is fine, the box was damaged and there was no SIM tool. Small things but they matter."),
    (1, "hg", "PAY", "Nitesh", "Paisa nahi aaya",
     "7 din ho gaye paisa nahi aaya. order RS-458822. koi batao kya karu"),
    (5, "hi", "PRAISE", "रेखा", "बहुत अच्छा",
     "बहुत अच्छा अनुभव रहा। एग्ज़ीक्यूटिव ने सब कुछ हिंदी में समझाया, अच्छा लगा।"),
    (1, "en", "TRUST", "Sid", "Misleading", "Misleading prices. Uninstalling."),
    (5, "hi", "PRAISE", "सुरेश", "बढ़िया", "सब कुछ बढ़िया रहा।"),
    (2, "en", "OTHER", "Aman", "Limited cities",
     "Not available in Dehradun yet. The app lets you do the whole quote before telling you that."),
    (5, "hg", "PRAISE", "Snehal", "Great",
     "Great app, ek din me phone bik gaya. Quote aur final price me sirf 300 ka fark tha"),
    (1, "en", "PICKUP", "Manoj", "Cancelled",
     "They cancelled my pickup 3 times. Finally sold it at a local shop for about the same price."),
    (5, "hg", "PRAISE", "Farhan", "Badiya", "Badiya service, thanks team"),
    (2, "en", "PRIVACY", "Neha Kapoor", "Data wiping?",
     "How do I know my data is actually wiped? Please provide a certificate or something."),
    (5, "en", "PRAISE", "Ajit", "👍", "Quick and easy"),
    (4, "en", "PRAISE", "Monica", "Nice",
     "Nice experience. A bit of a wait for the executive, he came at the end of the slot, but "
     "everything after that was quick."),
    (1, "en", "PRICE", "Sanjay from NJ", "Disappointed",
     "Tried to sell my mom's iPhone in Delhi remotely. The executive told her a different price than "
     "the app showed and pressured her to accept. Not cool to do that to elderly people.",
     {"territory": "USA"}),
    (5, "en", "PRAISE", "Divya", "Excellent", "Excellent service 👍"),
    (1, "hi", "SUPPORT", "प्रकाश", "सपोर्ट बेकार", "सपोर्ट टीम बिल्कुल बेकार है। तीन ईमेल का एक जवाब नहीं।"),
    (5, "hg", "PRAISE", "Ritesh_S", "Sahi", "sahi hai bhai, sab smooth"),
    (2, "en", "BUG", "Vaishnavi", "Buggy", "App freezes on the price estimate screen on my iPhone SE."),
    (5, "en", "PRAISE", "Ankur", "Great service in Noida",
     "Executive was punctual and the whole thing took 25 minutes including the data wipe."),
    (1, "en", "PAY", "Sunil Menon", "Cheated",
     "Gave my iPhone 14 to the executive, he said payment is 'on hold for IMEI verification'. 3 "
     "weeks. ₹41,000. Order RS-466019. Support has stopped replying to my emails. Filing a complaint "
     "with the National Consumer Helpline and police. Don't use this app.",
     {"esc": "money not received, 3 weeks (RS-466019, ₹41,000); consumer helpline + police",
      "reply": "Sunil, we sincerely apologise. The IMEI check on RS-466019 is complete and the "
               "payment of ₹41,000 has been released to your registered bank account today. Our "
               "escalations manager will call you to confirm it has reached you. We're sorry it "
               "took this long."}),
    (5, "en", "PRAISE", "Hema", "Wonderful",
     "Wonderful experience! I was worried about the Find My lock but the executive walked me through "
     "turning it off."),
    (4, "hi", "PICKUP", "नरेश", "ठीक", "सर्विस ठीक है, बस पिकअप में देरी हुई।"),
    (5, "hg", "PRAISE", "Gaurav", "Good one", "Accha hai 👍"),
    (1, "hg", "PRICE", "Sachin_T", "Loot", "loot macha rakhi hai. 25 ka phone 15 me"),
    (5, "en", "PRAISE", "Christina", "Easy", "So easy and fast. Got the money in minutes. I'm buying a refurbished one from them next."),
    (3, "hg", "PAY", "Vinod", "Slow", "Payment 2 din me aaya. Theek hai but 'instant' likhna band karo"),
    (5, "hg", "PRAISE", "Deepa", "Achha", "achha laga experience, executive bhi polite tha"),
    (1, "en", "SPAM", "promo_deals", "Check this",
     "Get iPhone 15 for ₹9,999!!! Limited offer visit www.superdealz-india.shop"),
    (5, "en", "PRAISE", "Harini S", "Highly recommend",
     "Highly recommend! Pickup was on time and the executive was polite."),
    (2, "en", "REFURB", "Arun", "Not as described",
     "Listed as 'Superb' but has visible scratches on the screen and the back. 'Superb' should mean "
     "superb. Returned it."),
    (5, "hi", "PRAISE", "स्वप्निल", "अच्छा", "अच्छा अनुभव"),
    (1, "hi", "PAY", "दिनेश", "पैसा अटका", "मेरा पैसा अटका हुआ है, 10 दिन से।"),
    (5, "en", "PRAISE", "Nidhi", "Amazing", "Amazing service. Thanks!"),
    (4, "en", "FEATURE", "Rahul S", "Add EMI",
     "Great for selling. For buying refurbished, please add no cost EMI."),
    (1, "en", "PICKUP", "Sneha", "Worst",
     "Worst pickup experience. Waited the whole day, then got an SMS saying it was rescheduled."),
    (5, "hg", "PRAISE", "Vivek", "Sahi", "Ekdum sahi app"),
    (5, "en", "PRAISE", "Ashok", "Fantastic",
     "Fantastic service, fair price for my iPhone X with 79% battery. Didn't feel cheated at "
     "all."),
    (1, "hg", "TRUST", "Ramesh G", "Beware",
     "Bach ke rehna. Last minute pe price kam kar dete hai, jab aap mana nahi kar sakte"),
    (5, "en", "PRAISE", "Zoya", "Loved it", "Smooth as butter 🧈"),
    (2, "hg", "SUPPORT", "Aakash", "Support slow", "support bahut slow hai, reply 2 din baad aata hai"),
    (5, "en", "PRAISE", "Mohan", "Recommended",
     "Recommended it to everyone in my family WhatsApp group. Three of us have sold phones here now, "
     "all smooth."),
    (1, "en", "PRICE", "Jyoti", "Cheated",
     "They said my iPhone has a replaced battery. It's the original battery. Cheated of ₹3,000."),
    (5, "hi", "PRAISE", "अनीता", "बहुत अच्छा", "बहुत अच्छा ऐप, सबको सलाह दूँगी।"),
    (4, "en", "PRAISE", "Paul", "Good",
     "Good service but the inspection was long, almost an hour. They checked every button and "
     "sensor though."),
    (1, "en", "BUG", "Neeraj", "Crashes",
     "Keeps crashing on launch on my iPhone 8. Maybe you dropped support for older iOS? Then say so."),
    (5, "hg", "PRAISE", "Sonali", "Excellent", "Mumbai me excellent experience. Andheri se pickup 2 ghante me ho gaya"),
    (1, "hg", "PAY", "Rohan", "Payment fail", "payment fail ho gaya bola aur ab 7 din wait karo. kya bakwas hai"),
    (5, "en", "PRAISE", "Shweta", "Great",
     "Great service, will use again when I upgrade next year. Executive Sanjay was very "
     "courteous."),
    (3, "en", "PICKUP", "Bala", "OK",
     "Pickup rescheduled once because the executive's bike broke down, he called and told me "
     "himself. Otherwise fine."),
    (5, "hg", "PRAISE", "Tanvir", "Mast", "Mast service 👌👌"),
    (1, "en", "OTHER", "Hari", "Not in my city", "Not available in Guwahati. Please come to the North East!"),
    (5, "hi", "PRAISE", "पल्लवी", "बहुत अच्छी", "बहुत अच्छी सर्विस, भरोसेमंद"),
    (2, "en", "PRICE", "Ajinkya", "Meh",
     "Quote vs actual price difference was ₹2,000 for 'minor scratches' on the back. Not "
     "great, not terrible."),
    (5, "hg", "PRAISE", "Usha", "Good", "Fast aur acha"),
    (1, "hi", "TRUST", "विनय", "फ्रॉड", "फ्रॉड कंपनी है, बचके रहना।"),
    (5, "en", "PRAISE", "Krish", "Awesome", "Awesome!"),
    (4, "hg", "REFURB", "Sakshi", "Acha phone", "refurbished phone acha hai, battery thodi kam chalti hai"),
    (5, "en", "PRAISE", "Anil", "Very nice",
     "Very nice experience. Sold my daughter's old iPhone 6s, didn't think anyone would buy it, got "
     "₹2,100."),
]
# fmt: on

# ---------------------------------------------------------------------------------------------
# Developer replies. {hi} becomes "Hi Rahul" / "Hi there", {name} the first name (dropped with
# its comma when the reviewer gave none), {ji} " सुनील जी" in Hindi. Support teams reuse their
# macros, so the pools repeat across reviews the way real reply histories do.
# ---------------------------------------------------------------------------------------------

POOLS = {
    "PRAISE": [
        "Thank you so much, {name}! Glad the pickup and payment went smoothly. See you again 😊",
        "{hi}, thanks for the lovely words! We'll pass them on to our pickup partner.",
        "Thank you for choosing Resello! Happy selling 🙌",
        "That's great to hear, {name}. Thanks for trusting us with your phone!",
        "Thank you 🙏 Reviews like yours keep our field team going!",
        "{hi}, thanks a ton for the 5 stars! If you liked it, share your code from Refer & Earn "
        "with friends, they get extra on their first sale.",
        "Thank you for the kind review! We're glad you had a smooth experience.",
        "Happy to hear that! Thanks for selling with Resello.",
    ],
    "PRAISE_SHORT": [
        "Thank you! 😊",
        "Thanks for the love, {name} 🙏",
        "Thank you for the stars! Happy selling.",
    ],
    "PRAISE4": [
        "{hi}, thank you for the review. We've noted your point and shared it with the team.",
        "Thanks for the 4 stars, {name}! We'd love to know what would make it a 5, just reply on "
        "chat in the app.",
        "Thanks, {name}! Glad it worked out overall, and thanks for the honest feedback.",
    ],
    "PICKUP_MILD": [
        "Thanks for the feedback, {name}! We're working on making pickups and inspection faster, "
        "so hopefully it's a 5 next time 🙂",
        "Thanks, {name}! Glad it worked out. Your feedback about the delay has gone to our city "
        "operations team.",
    ],
    "PRICE_MILD": [
        "{hi}, thanks for selling with us. We're adding battery health and accessories to the quote "
        "questions so the price you see upfront is closer to the final one.",
        "Thanks for the fair review, {name}! Battery health and accessories do affect the final "
        "price; we're making that clearer in the app.",
    ],
    "PRICE": [
        "{hi}, we're sorry the final price was lower than the quote. The quote is based on the "
        "details selected in the app; our executive then checks the phone and any difference in "
        "condition changes the price. You can always decline at no cost. Please share your order "
        "ID at care@resello.in.",
        "We understand how frustrating this is, {name}. A price revision only happens when the "
        "inspection finds something different from what was selected. Write to care@resello.in "
        "with your order ID and our quality team will recheck the inspection report.",
        "{hi}, sorry about this experience. Every deduction should be explained and shown to you "
        "with photos. If that didn't happen, please email care@resello.in with your order ID so we "
        "can take it up with the partner.",
        "Sorry to hear this, {name}. You're never obliged to accept a revised offer. We'd like to "
        "look into the inspection for your order, please write to care@resello.in.",
        "Hi, we're sorry for the disappointment. Battery health, screen and body condition all "
        "affect the final price, and we're working on asking for these upfront so the quote is "
        "closer. Please share your order ID at care@resello.in.",
    ],
    "PICKUP": [
        "{hi}, we apologise for the rescheduling. That's not the experience we want you to have. "
        "Please share your order ID at care@resello.in and we'll prioritise your pickup.",
        "Sorry for the wait, {name}. We had fewer pickup partners than bookings in your area that "
        "day. We've flagged your feedback to the city team.",
        "We're really sorry about the missed pickup. Could you share your order ID at "
        "care@resello.in? We'll check what went wrong and get you a confirmed slot.",
        "{hi}, apologies for the delay. Our executive should have informed you in advance. We've "
        "shared this with our logistics team so it doesn't happen again.",
    ],
    "PAY": [
        "{hi}, we're sorry for the delay. Bank transfers usually reflect within 24-48 hours of "
        "pickup, but a few take longer because of bank checks. Please share your order ID at "
        "care@resello.in and we'll track it right away.",
        "{hi}, we have escalated your payment to our finance team on priority. You will get an "
        "update on your registered email within 24 hours. We regret the inconvenience caused.",
        "Sorry for the trouble, {name}. Please email your order ID and registered mobile number to "
        "care@resello.in (please don't post them here) and we'll check the payment status.",
        "Hi, we understand how stressful a pending payment is. Our payments team has been "
        "notified; if you haven't heard from us within 24 hours, please write to care@resello.in "
        "with your pickup receipt.",
    ],
    "UPI": [
        "{hi}, sorry for the trouble with the UPI details. Please write to care@resello.in with "
        "your order ID and the correct UPI ID, and our payments team will update it for you.",
        "Hi, we're sorry about this. UPI validation sometimes fails when the bank's server is slow. "
        "You can also choose bank transfer as the payout method. Please write to us if it "
        "continues.",
    ],
    "BUG": [
        "{hi}, thanks for reporting this. Our tech team is on it and a fix is coming in the next "
        "update. Meanwhile, please try updating the app or clearing its cache.",
        "Thanks for the feedback, {name}. Speed improvements for budget and older phones are part "
        "of our next release, we hope you'll notice the difference.",
        "Thanks for the details! Could you share your phone model and app version at "
        "care@resello.in? It'll help our developers reproduce the issue.",
        "{hi}, we're sorry for the inconvenience. This has been fixed in the latest version, "
        "please update the app and let us know if you still face it.",
    ],
    "BUG_OTP": [
        "Sorry about the OTP trouble, {name}. OTPs can be delayed by the operator at times; please "
        "try the 'Get OTP on call' option. If it still fails, write to care@resello.in.",
        "Hi, OTP delivery to some Jio and Vi numbers was delayed this week because of an SMS "
        "partner issue. It's fixed now, please try again and let us know.",
    ],
    "BUG_LOGIN": [
        "{hi}, sorry you're stuck at login. We fixed a session bug in the latest version, please "
        "update the app and sign in again. If it continues, write to care@resello.in with your "
        "registered number.",
    ],
    "PAY_LATE": [
        "{hi}, sorry the payment took longer than promised. Most payouts are instant, but some bank "
        "transfers take up to 48 hours; we're updating the app so this is clear upfront. Thanks "
        "for the feedback!",
        "Thanks for your patience, {name}, and sorry for the wait. We've shared your feedback with "
        "our payments team.",
    ],
    "SUPPORT": [
        "{hi}, we're sorry you couldn't reach us. Call volumes were higher than usual this week. "
        "You can also use in-app chat (Help > Chat with us), 9 AM to 9 PM, all days.",
        "We hear you, {name}, and we apologise. Please share your order ID at care@resello.in and "
        "a senior member of our team will call you back.",
        "Sorry for the poor support experience. We've shared your feedback with our customer care "
        "lead. Please reply to your ticket email and mention this review so we can pick it up.",
    ],
    "TRUST": [
        "{hi}, we're sorry you feel this way. The app quote is an estimate based on the condition "
        "you select; the final price is confirmed only after inspection, and you can decline at no "
        "cost. We'd like to understand what happened, please write to care@resello.in.",
        "We're sorry to hear this, {name}. We take every complaint seriously. Please share your "
        "order details at care@resello.in so we can investigate with the pickup partner.",
        "Hi, all our reviews come from real customers, and we reply to the critical ones too. If "
        "your price was revised without a clear reason, send us your order ID at care@resello.in "
        "and we'll review it.",
    ],
    "PRIVACY": [
        "{hi}, every phone we receive goes through a certified data wipe at our facility before it "
        "is refurbished or resold. Write to privacy@resello.in with your order ID to get the wipe "
        "certificate.",
        "Thanks for raising this, {name}. KYC documents are required by law for buying used "
        "devices; they're stored encrypted and used only for verification. Details are in our "
        "privacy policy (Profile > Privacy).",
        "Hi, app permissions are only used for device diagnostics. Contacts access is optional in "
        "the latest version, please update and you can skip it.",
    ],
    "EXEC": [
        "{hi}, we're very sorry. This behaviour is unacceptable and against our partner code of "
        "conduct. We've escalated it to our operations head. Please share your order ID at "
        "care@resello.in so we can take action.",
        "Sorry about this experience, {name}. Our executives are expected to be courteous whether "
        "or not you accept the offer. We've shared your feedback with the partner's manager.",
    ],
    "REFERRAL": [
        "{hi}, referral rewards are credited within 7 days after your friend's payment is "
        "completed. If it still hasn't arrived, please share your referral code and your friend's "
        "order ID at care@resello.in.",
        "Sorry for the confusion, {name}. Coupons apply only to select models and cities; the "
        "eligible list is under Offers. Write to us if you think it should have applied and we'll "
        "check.",
    ],
    "REFURB_POS": [
        "Thanks for choosing Resello Certified, {name}! Every phone comes with a 6-month warranty, "
        "so if anything comes up, raise a request from My Orders > Help.",
        "So glad you like it! Enjoy your new phone 📱",
    ],
    "REFURB_WARRANTY": [
        "{hi}, sorry about this. We've escalated your warranty claim; our team will call you within "
        "48 hours to arrange a pickup for repair or replacement.",
    ],
    "REFURB_DELIVERY": [
        "{hi}, sorry the delivery took longer than promised. We've added courier partners for your "
        "city, so future orders should arrive faster.",
    ],
    "REFURB_NEG": [
        "We're sorry the phone didn't meet your expectations, {name}. All Resello Certified phones "
        "have a 7-day return window, please raise a return from My Orders or write to "
        "care@resello.in.",
        "Hi, that's not the standard we aim for. Please share your order ID at care@resello.in and "
        "our quality team will check the device grading.",
    ],
    "FEATURE": [
        "Thanks for the suggestion, {name}! We've shared it with our product team. Stay tuned 🙂",
        "Great idea! It's on our list. Thanks for helping us improve.",
        "{hi}, thank you for the feedback. We're adding new categories and features every month "
        "and will keep you posted!",
    ],
    "OTHER": [
        "{hi}, we're currently live in 40+ cities and expanding fast. We'll notify you as soon as "
        "we start in your pincode!",
        "Sorry about that, {name}. We're making the serviceability check show up earlier in the "
        "app so nobody wastes time on a quote.",
    ],
}

POOLS_HI = {
    "PRAISE": [
        "धन्यवाद{ji}! आपका अनुभव अच्छा रहा, यह जानकर खुशी हुई। – टीम Resello",
        "आपके प्यारे शब्दों के लिए धन्यवाद 🙏 फिर मिलेंगे!",
    ],
    "PRICE": [
        "नमस्ते{ji}, असुविधा के लिए खेद है। फ़ाइनल कीमत जाँच के बाद फ़ोन की असली स्थिति के आधार पर "
        "तय होती है, और आप ऑफ़र मना भी कर सकते हैं। कृपया अपना ऑर्डर आईडी care@resello.in पर भेजें, "
        "हम जाँच करेंगे।",
    ],
    "PAY": [
        "नमस्ते{ji}, देरी के लिए हमें खेद है। कृपया अपना ऑर्डर आईडी care@resello.in पर भेजें, हमारी "
        "टीम 24 घंटे में आपसे संपर्क करेगी।",
    ],
    "PICKUP": [
        "नमस्ते{ji}, पिकअप में देरी के लिए माफ़ी चाहते हैं। हमने आपकी शिकायत अपनी टीम को भेज दी है।",
    ],
    "SUPPORT": [
        "नमस्ते{ji}, हमें खेद है कि आपको जवाब नहीं मिला। कृपया care@resello.in पर अपना ऑर्डर आईडी "
        "भेजें, हमारी टीम आपको कॉल करेगी।",
    ],
    "TRUST": [
        "नमस्ते{ji}, हमें खेद है कि आपका अनुभव अच्छा नहीं रहा। कीमत जाँच के बाद तय होती है और आप "
        "बिना किसी शुल्क के मना कर सकते हैं। कृपया अपना ऑर्डर आईडी care@resello.in पर भेजें।",
    ],
    "BUG": [
        "नमस्ते{ji}, असुविधा के लिए खेद है। कृपया ऐप अपडेट करें; समस्या बनी रहे तो care@resello.in पर लिखें।",
    ],
    "REFURB_NEG": [
        "नमस्ते{ji}, हमें खेद है। आपकी वारंटी रिक्वेस्ट हमने प्राथमिकता पर भेज दी है, हमारी टीम 48 "
        "घंटे में संपर्क करेगी।",
    ],
}

SIGNOFFS = [
    "",
    "",
    "",
    "",
    " – Team Resello",
    " ~ Resello Care",
    "\n\nTeam Resello",
    " – Neha, Resello Care",
    " – Arjun, Resello Care",
    "\n\nRegards,\nResello Support",
]

COMPLAINT_THEMES = {
    "PRICE",
    "PICKUP",
    "PAY",
    "UPI",
    "BUG",
    "SUPPORT",
    "TRUST",
    "PRIVACY",
    "EXEC",
    "REFERRAL",
    "OTHER",
}


def first_name(author: str | None) -> tuple[str, str]:
    """(Latin first name, Devanagari first name) a support agent would greet, or empty."""
    if not author or author.startswith("A Google user"):
        return "", ""
    head = author.replace("_जी", "").split()[0]
    if any("\u0900" <= ch <= "\u097f" for ch in head):
        return "", head
    if any(ch.isdigit() for ch in author) or "_" in author or "." in head:
        return "", ""
    letters = "".join(ch for ch in head if ch.isascii() and ch.isalpha())
    if len(letters) < 2 or letters.lower() in {"mr", "dr", "jai", "ludo", "crypto"}:
        return "", ""
    return letters[0].upper() + letters[1:], ""


def fill(template: str, author: str | None) -> str:
    latin, deva = first_name(author)
    if latin:
        text = template.replace("{name}", latin).replace("{hi}", f"Hi {latin}")
    else:
        text = (
            template.replace(", {name}", "")
            .replace(" {name}", "")
            .replace("{name}", "")
            .replace("{hi}", "Hi there")
        )
    return text.replace("{ji}", f" {deva} जी" if deva else "")


def pool_for(theme: str, stars: int, text: str) -> str:
    if theme == "PRAISE":
        if not any(ch.isalpha() for ch in text) or len(text) < 12:
            return "PRAISE_SHORT"
        return "PRAISE" if stars == 5 else "PRAISE4"
    if theme == "REFURB":
        if stars >= 4:
            return "REFURB_POS"
        if re.search(r"warrant|वारंटी", text, re.I):
            return "REFURB_WARRANTY"
        return "REFURB_DELIVERY" if "deliver" in text.lower() else "REFURB_NEG"
    if stars >= 4 and theme in {"PICKUP", "PRICE", "PAY"}:
        return {"PICKUP": "PICKUP_MILD", "PRICE": "PRICE_MILD"}.get(theme, "PRAISE4")
    if theme == "BUG" and re.search(r"otp", text, re.I):
        return "BUG_OTP"
    if theme == "BUG" and re.search(r"log ?in|sign in|verification|session", text, re.I):
        return "BUG_LOGIN"
    if (
        theme == "PAY"
        and stars >= 2
        and re.search(r"came|received|took|aa gaya|aaya|laga|आ गए", text, re.I)
    ):
        return "PAY_LATE"
    return theme


class Replier:
    """Picks replies from the pools without handing out the same macro twice in a row."""

    def __init__(self, rng: random.Random, limit: int | None) -> None:
        self.rng = rng
        self.limit = limit
        self.cycles: dict[str, list[str]] = {}

    def _next(self, key: str, pool: list[str]) -> str:
        cycle = self.cycles.get(key)
        if not cycle:
            cycle = list(pool)
            self.rng.shuffle(cycle)
            self.cycles[key] = cycle
        return cycle.pop()

    def make(self, pool_name: str, lang: str, author: str | None) -> str:
        key = re.sub(r"4$|_SHORT$|_LOGIN$|_OTP$|_LATE$|_MILD$|_WARRANTY$|_DELIVERY$", "", pool_name)
        key = "REFURB_NEG" if key == "REFURB" else key
        if lang == "hi" and key in POOLS_HI and self.rng.random() < 0.6:
            return fill(self._next("hi:" + key, POOLS_HI[key]), author)
        body = fill(self._next(pool_name, POOLS[pool_name]), author)
        signoff = self.rng.choice(SIGNOFFS)
        if self.limit is None or len(body + signoff) <= self.limit:
            body += signoff
        return body


# ---------------------------------------------------------------------------------------------
# Time: each band's timestamps are drawn (denser towards the present), moved to a plausible hour
# of the day in India, sorted newest first and handed out in list order.
# ---------------------------------------------------------------------------------------------

# fmt: off
IST_HOUR_WEIGHTS = [3, 1.5, 0.7, 0.4, 0.3, 0.4, 1, 2.5, 4, 5, 5.5, 6,
                    6, 6, 5.5, 5.5, 6, 6.5, 7, 8, 8.5, 8.5, 7, 5]
# fmt: on


def band_times(rng: random.Random, n: int, lo_h: float, hi_h: float) -> list[datetime]:
    out: list[datetime] = []
    while len(out) < n:
        age = lo_h + (hi_h - lo_h) * rng.random() ** 1.35
        local = (END - timedelta(hours=age)).astimezone(IST)
        hour = rng.choices(range(24), IST_HOUR_WEIGHTS)[0]
        moved = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        moved_age = (END - moved).total_seconds() / 3600
        if lo_h <= moved_age <= hi_h:
            out.append(moved.astimezone(UTC))
    return sorted(out, reverse=True)


def reply_time(
    rng: random.Random, after: datetime, before: datetime, lo_h: float = 2, hi_h: float = 60
) -> datetime | None:
    """A time 2-60 h after `after`, mostly in Indian office hours, earlier than `before`."""
    for _ in range(200):
        moment = after + timedelta(
            hours=lo_h + (hi_h - lo_h) * rng.random() ** 1.6, seconds=rng.randrange(3600)
        )
        local = moment.astimezone(IST)
        clock = local.hour + local.minute / 60
        if (9.5 <= clock <= 21.5 or rng.random() < 0.05) and moment < before:
            return moment
    return None


def banded(entries: list) -> list[tuple[tuple, float, float]]:
    out, lo, hi = [], 0.0, 0.0
    for entry in entries:
        if isinstance(entry, str):
            lo, hi = (float(x.rstrip("h")) for x in entry.split()[1].split("-"))
            continue
        out.append((entry, lo, hi))
    return out


def assign_times(rng: random.Random, entries: list, newest_age_min: float) -> list[datetime]:
    groups: dict[tuple[float, float], int] = {}
    for _entry, lo, hi in banded(entries):
        groups[(lo, hi)] = groups.get((lo, hi), 0) + 1
    times: list[datetime] = []
    for (lo, hi), n in groups.items():
        times += band_times(rng, n, max(lo, 0.2), hi)
    times[0] = END - timedelta(minutes=newest_age_min)
    return times


def reply_chance(theme: str, stars: int, text: str, age_h: float) -> float:
    if age_h < 24:
        return 0.0
    if theme == "SPAM":
        base = 0.0
    elif theme == "PRAISE":
        base = 0.15 if not any(ch.isalpha() for ch in text) else 0.32
    else:
        base = 0.5
    return base * (0.3 if age_h < 72 else 1.0)


# ---------------------------------------------------------------------------------------------
# Google Play envelope
# ---------------------------------------------------------------------------------------------

# codename, product, manufacturer, width, height, dpi, cpuMake, cpuModel, ramMb, SDK levels
# fmt: off
DEVICES = [
    ("sweet", "Redmi Note 10 Pro", "Xiaomi", 1080, 2400, 440, "Qualcomm", "SM7150", 5632, [31, 33]),
    ("spes", "Redmi Note 11", "Xiaomi", 1080, 2400, 440, "Qualcomm", "SM6225", 3712, [31, 33]),
    ("topaz", "Redmi Note 12", "Xiaomi", 1080, 2400, 440, "Qualcomm", "SM6225", 5632, [33, 34]),
    ("m31", "Galaxy M31", "samsung", 1080, 2340, 420, "Samsung", "Exynos 9611", 5632, [30, 31]),
    ("m32", "Galaxy M32", "samsung", 1080, 2400, 400, "Mediatek", "MT6769", 5632, [31, 33]),
    ("a52q", "Galaxy A52", "samsung", 1080, 2400, 450, "Qualcomm", "SM7125", 5632, [33, 34]),
    ("a14x", "Galaxy A14 5G", "samsung", 1080, 2408, 450, "Samsung", "Exynos 1330", 3712, [33, 34]),
    ("m14x", "Galaxy M14 5G", "samsung", 1080, 2408, 450, "Samsung", "Exynos 1330", 5632, [34]),
    ("RMX3381", "realme 8s 5G", "realme", 1080, 2400, 480, "Mediatek", "MT6833", 5632, [31, 33]),
    ("RMX3085", "realme 8", "realme", 1080, 2400, 480, "Mediatek", "MT6785", 5632, [31, 33]),
    ("1906", "vivo 1906", "vivo", 720, 1544, 320, "Qualcomm", "SDM439", 2816, [29, 30]),
    ("V2111", "vivo Y21", "vivo", 720, 1600, 320, "Mediatek", "MT6765", 3712, [31]),
    ("I2017", "iQOO Z7", "vivo", 1080, 2400, 440, "Mediatek", "MT6877", 5632, [33, 34]),
    ("CPH2239", "OPPO A54", "OPPO", 720, 1600, 320, "Mediatek", "MT6765", 3712, [30, 31]),
    ("avicii", "OnePlus Nord", "OnePlus", 1080, 2400, 420, "Qualcomm", "SM7250", 7680, [31, 33]),
    ("OP5958L1", "OnePlus Nord CE 3 5G", "OnePlus", 1080, 2412, 400, "Qualcomm", "SM7325", 7680, [34]),
    ("surya", "POCO X3", "Xiaomi", 1080, 2400, 440, "Qualcomm", "SM7150", 5632, [30, 31]),
    ("vayu", "POCO X3 Pro", "Xiaomi", 1080, 2400, 440, "Qualcomm", "SM8150", 5632, [31, 33]),
    ("bluejay", "Pixel 6a", "Google", 1080, 2400, 420, "Google", "Tensor", 5632, [34, 35]),
    ("tundra", "moto g62 5G", "motorola", 1080, 2400, 400, "Qualcomm", "SM4350", 5632, [33]),
    ("TECNO-KI5q", "TECNO SPARK 10", "TECNO", 720, 1612, 320, "Mediatek", "MT6769", 3712, [33]),
    ("Infinix-X6833B", "Infinix NOTE 30", "INFINIX", 1080, 2460, 480, "Mediatek", "MT6789", 7680, [33]),
]
DEVICE_WEIGHTS = [9, 8, 6, 6, 5, 5, 6, 4, 5, 4, 3, 4, 3, 4, 3, 2, 3, 2, 2, 2, 3, 2]
# fmt: on
# Reviews that name the phone they are typing on get that phone.
DEVICE_HINTS = {
    "Harsh Vardhan": ("vayu", 33),
    "Aravind S": ("a52q", 34),
    "Tanmay": ("OP5958L1", 34),
}

# versionName, versionCode, released
PLAY_VERSIONS = [
    ("5.3.1", 50301, datetime(2026, 8, 4, tzinfo=UTC)),
    ("5.4.0", 50400, datetime(2026, 9, 3, tzinfo=UTC)),
    ("5.4.2", 50402, datetime(2026, 9, 18, tzinfo=UTC)),
    ("5.5.0", 50500, datetime(2026, 10, 8, tzinfo=UTC)),
    ("5.5.3", 50503, datetime(2026, 10, 29, tzinfo=UTC)),
    ("5.6.0", 50600, datetime(2026, 11, 17, tzinfo=UTC)),
]

REVIEWER_LANG = {
    "en": ["en"] * 6 + ["en_IN"] * 3 + ["en_GB", "en_US"],
    "hg": ["en"] * 5 + ["en_IN"] * 3 + ["hi"] * 2,
    "hi": ["hi"] * 9 + ["en"],
    "ar": ["ar"],
}

ID_CHARS = string.ascii_letters + string.digits + "-_"


def play_review_id(rng: random.Random) -> str:
    return "gp:AOqpTO" + "".join(rng.choice(ID_CHARS) for _ in range(86))


def play_time(moment: datetime, rng: random.Random) -> dict:
    return {"seconds": str(int(moment.timestamp())), "nanos": rng.randrange(1000) * 1_000_000}


def play_version(rng: random.Random, moment: datetime) -> tuple[str, int]:
    live = [v for v in PLAY_VERSIONS if v[2] <= moment]
    pick = live[-1]
    if len(live) > 1 and rng.random() < 0.22:
        pick = live[-2]
    if len(live) > 2 and rng.random() < 0.06:
        pick = live[-3]
    return pick[0], pick[1]


def play_user_comment(
    rng: random.Random, entry: dict, stars: int, text: str, moment: datetime
) -> dict:
    comment: dict = {"text": text, "lastModified": play_time(moment, rng), "starRating": stars}
    if rng.random() > 0.05:
        comment["reviewerLanguage"] = rng.choice(REVIEWER_LANG[entry["lang"]])
    dev = entry["device"]
    if dev is not None:
        comment["device"] = dev[0]
        comment["androidOsVersion"] = entry["sdk"]
    if entry["has_version"]:
        name, code = play_version(rng, moment)
        comment["appVersionCode"] = code
        comment["appVersionName"] = name
    age_days = (END - moment).total_seconds() / 86400
    if len(text) > 300:
        ups = rng.randrange(8, 90)
    elif stars <= 2:
        ups = rng.choice([0, 0, 0, 0, 1, 1, 2, 3, 5, 9, 14, 27])
    else:
        ups = rng.choice([0, 0, 0, 0, 0, 0, 1, 1, 2])
    ups = int(ups * min(1.0, 0.25 + age_days / 20))
    comment["thumbsUpCount"] = ups
    comment["thumbsDownCount"] = rng.choice([0] * 12 + [1, 1, 2])
    if dev is not None and entry["with_metadata"]:
        codename, product, maker, width, height, dpi, cpu_make, cpu_model, ram, _sdks = dev
        comment["deviceMetadata"] = {
            "productName": f"{product} ({codename})",
            "manufacturer": maker,
            "deviceClass": "phone",
            "screenWidthPx": width,
            "screenHeightPx": height,
            "nativePlatform": "armeabi-v7a,armeabi,arm64-v8a",
            "screenDensityDpi": dpi,
            "glEsVersion": 196610,
            "cpuModel": cpu_model,
            "cpuMake": cpu_make,
            "ramMb": ram,
        }
    return comment


def play_page_token(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "_-") for _ in range(52))


def build_play(rng: random.Random) -> tuple[list[dict], list[dict], dict]:
    entries = banded(PLAY)
    times = assign_times(rng, PLAY, newest_age_min=9)
    rrng = random.Random(rng.random())  # replies draw apart, so tuning them moves nothing else
    replier = Replier(rrng, limit=350)
    poll_earlier = END - timedelta(hours=170)
    reviews, earlier, notes = [], [], {"esc": [], "edited": [], "urls": []}
    for (entry, _lo, _hi), moment in zip(entries, times, strict=True):
        stars, lang, theme, author, text, *rest = entry
        opts = rest[0] if rest else {}
        rid = play_review_id(rng)
        meta = {
            "lang": lang,
            "device": None,
            "sdk": None,
            "has_version": rng.random() > 0.05,
            "with_metadata": rng.random() < 0.55,
        }
        if author in DEVICE_HINTS:
            code, sdk = DEVICE_HINTS[author]
            meta["device"] = next(d for d in DEVICES if d[0] == code)
            meta["sdk"] = sdk
            meta["has_version"] = True
        elif rng.random() > 0.07:
            meta["device"] = rng.choices(DEVICES, DEVICE_WEIGHTS)[0]
            meta["sdk"] = rng.choice(meta["device"][9])
        body = f"{opts['title']}\t{text}" if "title" in opts else text
        user = play_user_comment(rng, meta, stars, body, moment)
        review: dict = {"reviewId": rid}
        if not opts.get("noauthor"):
            review["authorName"] = author
        review["comments"] = [{"userComment": user}]
        age_h = (END - moment).total_seconds() / 3600

        reply: tuple[str, datetime] | None = None
        if "edit" in opts:
            first = opts["edit"]
            first_time = band_times(rng, 1, 170 + 2, 170 + 6.5 * 24)[0]
            first_body = first["text"]
            first_user = play_user_comment(rng, meta, first["stars"], first_body, first_time)
            first_review: dict = {"reviewId": rid}
            if "authorName" in review:
                first_review["authorName"] = author
            first_review["comments"] = [{"userComment": first_user}]
            first_reply = None
            if "reply" in first or "reply_pool" in first:
                text_r = first.get("reply") or replier.make(first["reply_pool"], lang, author)
                when = reply_time(rrng, first_time, poll_earlier, 2, 40)
                first_reply = (text_r, when)
                first_review["comments"].append(
                    {"developerComment": {"text": text_r, "lastModified": play_time(when, rrng)}}
                )
            earlier.append(first_review)
            notes["edited"].append((rid, author, first["stars"], stars))
            if "reply" in opts and age_h > 24:
                when = reply_time(rrng, moment, END - timedelta(minutes=20), 2, 30)
                reply = (opts["reply"], when) if when else first_reply
            else:
                reply = first_reply
        elif "reply" in opts:
            if age_h > 24:
                when = reply_time(rrng, moment, END - timedelta(minutes=20), 2, 30)
                if when:
                    reply = (opts["reply"], when)
        elif random.Random(rid).random() < reply_chance(theme, stars, text, age_h):
            when = reply_time(rrng, moment, END - timedelta(minutes=20))
            if when:
                reply = (replier.make(pool_for(theme, stars, text), lang, author), when)
        if reply:
            review["comments"].append(
                {"developerComment": {"text": reply[0], "lastModified": play_time(reply[1], rrng)}}
            )
        if "esc" in opts:
            notes["esc"].append((rid, opts["esc"]))
        reviews.append(review)

    def stamp(r: dict) -> int:
        return int(r["comments"][0]["userComment"]["lastModified"]["seconds"])

    reviews.sort(key=stamp, reverse=True)
    earlier.sort(key=stamp, reverse=True)
    pages = []
    for start in range(0, len(reviews), 100):
        page: dict = {"reviews": reviews[start : start + 100]}
        if start + 100 < len(reviews):
            page["tokenPagination"] = {"nextPageToken": play_page_token(rng)}
        pages.append(page)
    return pages, [{"reviews": earlier}], notes


# ---------------------------------------------------------------------------------------------
# App Store Connect envelope
# ---------------------------------------------------------------------------------------------

PACIFIC_DST_END = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # 2 AM PDT -> 1 AM PST


def apple_time(moment: datetime) -> str:
    offset = timedelta(hours=-7) if moment < PACIFIC_DST_END else timedelta(hours=-8)
    return moment.astimezone(timezone(offset)).isoformat(timespec="seconds")


def asc_id(rng: random.Random) -> str:
    hexd = "0123456789abcdef"
    part = lambda n: "".join(rng.choice(hexd) for _ in range(n))  # noqa: E731
    return f"000000{part(2)}-{part(4)}-{part(4)}-{part(4)}-{part(4)}00000000"


def build_asc(rng: random.Random) -> tuple[list[dict], dict]:
    entries = banded(ASC)
    times = assign_times(rng, ASC, newest_age_min=41)
    rrng = random.Random(rng.random())
    replier = Replier(rrng, limit=None)
    data, included, notes = [], [], {"esc": []}
    for (entry, _lo, _hi), moment in zip(entries, times, strict=True):
        stars, lang, theme, nick, title, body, *rest = entry
        opts = rest[0] if rest else {}
        rid = asc_id(rng)
        age_h = (END - moment).total_seconds() / 3600
        reply: tuple[str, datetime] | None = None
        if "reply" in opts:
            if age_h > 24:
                when = reply_time(rrng, moment, END - timedelta(minutes=30), 2, 30)
                if when:
                    reply = (opts["reply"], when)
        elif random.Random(rid).random() < reply_chance(theme, stars, body, age_h):
            when = reply_time(rrng, moment, END - timedelta(minutes=30))
            if when:
                text = replier.make(pool_for(theme, stars, body), lang, nick)
                reply = (text, when)
        base = f"{ASC_BASE}/v1/customerReviews/{rid}"
        relation: dict = {
            "links": {"self": f"{base}/relationships/response", "related": f"{base}/response"},
            "data": None,
        }
        if reply:
            resp_id = asc_id(rrng)
            relation["data"] = {"type": "customerReviewResponses", "id": resp_id}
            included.append(
                {
                    "type": "customerReviewResponses",
                    "id": resp_id,
                    "attributes": {
                        "responseBody": reply[0],
                        "lastModifiedDate": apple_time(reply[1]),
                        "state": "PUBLISHED",
                    },
                    "links": {"self": f"{ASC_BASE}/v1/customerReviewResponses/{resp_id}"},
                    "_when": reply[1],
                }
            )
        data.append(
            {
                "type": "customerReviews",
                "id": rid,
                "attributes": {
                    "rating": stars,
                    "title": title,
                    "body": body,
                    "reviewerNickname": nick,
                    "createdDate": apple_time(moment),
                    "territory": opts.get("territory", "IND"),
                },
                "relationships": {"response": relation},
                "links": {"self": base},
            }
        )
        if "esc" in opts:
            notes["esc"].append((rid, opts["esc"]))
    # Apple publishes responses with a delay: the three newest are still pending.
    for resp in sorted(included, key=lambda r: r["_when"], reverse=True)[:3]:
        resp["attributes"]["state"] = "PENDING_PUBLISH"
    for resp in included:
        del resp["_when"]
    self_url = (
        f"{ASC_BASE}/v1/apps/{ASC_APP}/customerReviews?sort=-createdDate&limit=200&include=response"
    )
    # 160 reviews fit one page of limit=200, so there is no links.next.
    page = {
        "data": data,
        "included": included,
        "links": {"self": self_url},
        "meta": {"paging": {"total": len(data), "limit": 200}},
    }
    return [page], notes


def write(name: str, doc: object) -> None:
    path = OUT / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB, sha256 {digest})")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    play_pages, play_earlier, play_notes = build_play(random.Random(20261125))
    asc_pages, asc_notes = build_asc(random.Random(1589034512))
    write("play_api.json", play_pages)
    write("play_api_earlier.json", play_earlier)
    write("asc.json", asc_pages)
    print("\nedited Play reviews (first version in play_api_earlier.json):")
    for rid, author, before, after in play_notes["edited"]:
        print(f"  {rid}  {author}: {before}★ -> {after}★")
    print("\nreviews that need escalation to CX:")
    for rid, why in play_notes["esc"]:
        print(f"  play {rid}  {why}")
    for rid, why in asc_notes["esc"]:
        print(f"  asc  {rid}  {why}")
    print()
    runpy.run_path(str(Path(__file__).with_name("check_play_asc.py")), run_name="__main__")


if __name__ == "__main__":
    sys.exit(main())

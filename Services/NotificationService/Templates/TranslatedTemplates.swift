extension TemplateCatalogue {
    /// Family messages in Polish, Romanian, Urdu and Arabic (Urdu and Arabic run right to left), and translated
    /// covers for the statutory letters: their English text stays the legal text. Any other language gets English.
    static let translations: [MessageTemplate] = [
        MessageTemplate("first_day_absence", "pl", subject: "{{child}} nie było dziś w szkole", [
            "{{child}} nie było dziś w szkole i nie wiemy dlaczego. Prosimy zadzwonić do {{school}} pod numer {{phone}}.",
            "Jeśli już poinformowali Państwo szkołę, dziękujemy: nie trzeba robić nic więcej.",
        ]),
        MessageTemplate("first_day_absence", "ro", subject: "{{child}} nu a fost astăzi la școală", [
            "{{child}} nu a fost astăzi la școală și nu știm de ce. Vă rugăm să sunați la {{school}} la numărul {{phone}}.",
            "Dacă ați anunțat deja școala, vă mulțumim: nu mai trebuie să faceți nimic.",
        ]),
        MessageTemplate("first_day_absence", "ur", subject: "{{child}} آج اسکول نہیں آئے", [
            "{{child}} آج اسکول نہیں آئے اور ہمیں اس کی وجہ معلوم نہیں۔ براہِ کرم {{school}} کو {{phone}} پر فون کریں۔",
            "اگر آپ اسکول کو پہلے ہی بتا چکے ہیں تو شکریہ: آپ کو مزید کچھ کرنے کی ضرورت نہیں۔",
        ]),
        MessageTemplate("first_day_absence", "ar", subject: "لم يحضر {{child}} إلى المدرسة اليوم", [
            "لم يحضر {{child}} إلى المدرسة اليوم ولا نعرف السبب. يُرجى الاتصال بـ {{school}} على الرقم {{phone}}.",
            "إذا كنتم قد أبلغتم المدرسة بالفعل فشكرًا لكم: لا داعي لفعل أي شيء آخر.",
        ]),
        MessageTemplate("attendance_support", "pl", subject: "Frekwencja {{child}} w {{school}}", [
            "Frekwencja {{child}} w tym roku szkolnym wynosi {{attendanceRate}}%: opuszczono {{missedSessions}} z {{possibleSessions}} zajęć (pół dnia każde).",
            "Frekwencja 90% lub niższa oznacza opuszczanie co najmniej jednego dnia co dwa tygodnie i utrudnia naukę. Chcemy pomóc: prosimy zadzwonić do {{school}} pod numer {{phone}}, aby porozmawiać o wsparciu, podać powód nieobecności lub przekazać zaświadczenie lekarskie.",
        ]),
        MessageTemplate("attendance_support", "ro", subject: "Prezența lui {{child}} la {{school}}", [
            "Prezența lui {{child}} în acest an școlar este de {{attendanceRate}}%: {{missedSessions}} din {{possibleSessions}} sesiuni (jumătăți de zi) lipsă.",
            "O prezență de 90% sau mai puțin înseamnă cel puțin o zi lipsă la fiecare două săptămâni și face învățarea mai grea. Dorim să vă ajutăm: sunați la {{school}} la {{phone}} pentru a discuta despre sprijin, pentru a ne spune motivul unei absențe sau pentru a ne da o dovadă medicală.",
        ]),
        MessageTemplate("attendance_support", "ur", subject: "{{school}} میں {{child}} کی حاضری", [
            "اس تعلیمی سال میں {{child}} کی حاضری {{attendanceRate}}% ہے: {{possibleSessions}} میں سے {{missedSessions}} سیشن (آدھے دن) چھوٹ گئے۔",
            "90% یا اس سے کم حاضری کا مطلب ہے ہر دو ہفتوں میں کم از کم ایک دن کی غیر حاضری، اور اس سے پڑھائی مشکل ہو جاتی ہے۔ ہم مدد کرنا چاہتے ہیں: مدد کے بارے میں بات کرنے، غیر حاضری کی وجہ بتانے یا طبی ثبوت دینے کے لیے {{school}} کو {{phone}} پر فون کریں۔",
        ]),
        MessageTemplate("attendance_support", "ar", subject: "حضور {{child}} في {{school}}", [
            "نسبة حضور {{child}} في هذا العام الدراسي هي {{attendanceRate}}%: غاب عن {{missedSessions}} من أصل {{possibleSessions}} حصة (نصف يوم).",
            "الحضور بنسبة 90% أو أقل يعني الغياب يومًا واحدًا على الأقل كل أسبوعين، وهذا يجعل التعلم أصعب. نريد أن نساعد: يُرجى الاتصال بـ {{school}} على الرقم {{phone}} للحديث عن الدعم، أو لإخبارنا بسبب الغياب، أو لتقديم دليل طبي.",
        ]),
    ] + covers

    /// A translated cover for each statutory letter: what it is, and that the English text that follows is the legal text.
    static let covers: [MessageTemplate] = ["notice_to_improve", "penalty_notice"].flatMap { key in [
        MessageTemplate(key, "pl", subject: "Ważne pismo prawne dotyczące frekwencji {{child}}", [
            "To jest ważne pismo prawne dotyczące frekwencji {{child}} w {{school}}. Tekst angielski poniżej jest tekstem prawnie wiążącym. Jeśli potrzebują Państwo pomocy w jego zrozumieniu, prosimy zadzwonić pod numer {{phone}}.",
        ], cover: true),
        MessageTemplate(key, "ro", subject: "Scrisoare juridică importantă despre prezența lui {{child}}", [
            "Aceasta este o scrisoare juridică importantă despre prezența lui {{child}} la {{school}}. Textul în limba engleză de mai jos este textul juridic. Dacă aveți nevoie de ajutor pentru a-l înțelege, sunați la {{phone}}.",
        ], cover: true),
        MessageTemplate(key, "ur", subject: "{{child}} کی حاضری کے بارے میں اہم قانونی خط", [
            "یہ {{school}} میں {{child}} کی حاضری کے بارے میں ایک اہم قانونی خط ہے۔ نیچے دیا گیا انگریزی متن ہی قانونی متن ہے۔ اگر آپ کو اسے سمجھنے میں مدد چاہیے تو {{phone}} پر فون کریں۔",
        ], cover: true),
        MessageTemplate(key, "ar", subject: "رسالة قانونية مهمة بشأن حضور {{child}}", [
            "هذه رسالة قانونية مهمة بشأن حضور {{child}} في {{school}}. النص الإنجليزي أدناه هو النص القانوني. إذا كنتم بحاجة إلى مساعدة في فهمه، يُرجى الاتصال على الرقم {{phone}}.",
        ], cover: true),
    ] }
}

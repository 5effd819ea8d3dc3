"""Texts of the TCM constitution assessment (老年人中医药健康管理服务记录表): questions, answer labels, guidance.

Sources (CLINICAL_RULES.md §8, BPHS-2017 老年人中医药健康管理服务规范):
- The 33 question texts and the answer labels are those of the national form as reproduced, word for word and
  consistently, by several independent public-health systems (chis/bsoft schema "老年人中医药健康管理", a
  mobile form with option ids 331–495, the TCMDto of another system) and by the 2013 technical specification
  (中医药健康管理服务技术规范) in a stored web copy. Where copies differ by one character we kept the majority
  reading: item 16 口黏口腻 (some copies 口粘口腻), item 14 "几乎每月都感冒" (one copy "几乎每月"), item 28
  option 5 "腹围＞105cm或3.15尺" (the 2013 copy "腹围>105cm,3.15尺"). [V2]
- The guidance of 平和质, 气虚质, 痰湿质, 血瘀质, 气郁质 and 特禀质 follows a stored copy of a public-health
  system's "健康教育处方指导意见" pages, which reproduce the technical specification's 老年人体质中医药保健方法
  (cross-references such as "见平和质" expanded, figure numbers dropped; its 特禀质 page had the 气郁质 diet pasted
  under 饮食调养 and the 特禀质 diet under 情志调摄 — put back in place here). [V2]
- The guidance of 阳虚质, 阴虚质 and 湿热质 could NOT be confirmed in any stored copy; the texts below are our
  reconstruction of the same specification (acupoints 关元/命门, 太溪/三阴交, 支沟/阴陵泉). [U] — a site can replace
  them through `TcmSettings.guidance_overrides`.
The English is ours.
"""

from __future__ import annotations

from typing import Final

# (Chinese as printed on the form, English) for items 1–33, in the form's order.
ITEMS: Final[tuple[tuple[str, str], ...]] = (
    (
        "(1)您精力充沛吗？（指精神头足，乐于做事）",
        "(1) Are you full of energy? (in good spirits and glad to get things done)",
    ),
    (
        "(2)您容易疲乏吗？（指体力如何，是否稍微活动一下或做一点家务劳动就感到累）",
        "(2) Do you tire easily? (your stamina: do you feel tired after a little activity or a little housework?)",
    ),
    (
        "(3)您容易气短，呼吸短促，接不上气吗？",
        "(3) Do you easily get short of breath, breathe fast, or feel you cannot catch your breath?",
    ),
    (
        "(4)您说话声音低弱无力吗？（指说话没有力气）",
        "(4) Is your voice low and weak? (you speak without strength)",
    ),
    (
        "(5)您感到闷闷不乐、情绪低沉吗？（指心情不愉快，情绪低落）",
        "(5) Do you feel gloomy or low? (unhappy, in low spirits)",
    ),
    (
        "(6)您容易精神紧张、焦虑不安吗？（指遇事是否心情紧张）",
        "(6) Do you easily become tense, anxious or restless? (do you feel nervous when something comes up?)",
    ),
    (
        "(7)您因为生活状态改变而感到孤独、失落吗？",
        "(7) Do you feel lonely or lost because your circumstances in life have changed?",
    ),
    (
        "(8)您容易感到害怕或受到惊吓吗？",
        "(8) Are you easily frightened or startled?",
    ),
    (
        "(9)您感到身体超重不轻松吗？（感觉身体沉重）[BMI指数=体重（kg）/身高²（m）]",
        "(9) Do you feel overweight and not light on your feet? (the body feels heavy) "
        "[BMI = weight (kg) / height² (m)]",
    ),
    (
        "(10)您眼睛干涩吗？",
        "(10) Are your eyes dry and gritty?",
    ),
    (
        "(11)您手脚发凉吗？（不包含因周围温度低或穿的少导致的手脚发冷）",
        "(11) Are your hands and feet cold? (not counting cold from a cold room or too little clothing)",
    ),
    (
        "(12)您胃脘部、背部或腰膝部怕冷吗？（指上腹部、背部、腰部或膝关节等，有一处或多处怕冷）",
        "(12) Do you feel the cold in the stomach, back, lower back or knees? "
        "(one or more of the upper abdomen, back, lower back, knee joints)",
    ),
    (
        "(13)您比一般人耐受不了寒冷吗？（指比别人容易害怕冬天或是夏天的冷空调、电扇等）",
        "(13) Do you bear the cold less well than most people? "
        "(more bothered than others by winter cold, or by air conditioning and fans in summer)",
    ),
    (
        "(14)您容易患感冒吗？（指每年感冒的次数）",
        "(14) Do you catch colds easily? (how many colds a year)",
    ),
    (
        "(15)您没有感冒时也会鼻塞、流鼻涕吗？",
        "(15) Is your nose blocked or runny even when you do not have a cold?",
    ),
    (
        "(16)您有口黏口腻，或睡眠打鼾吗？",
        "(16) Does your mouth feel sticky or greasy, or do you snore in your sleep?",
    ),
    (
        "(17)您容易过敏（对药物、食物、气味、花粉或在季节交替、气候变化时）吗？",
        "(17) Are you prone to allergies (to drugs, food, smells, pollen, or when the season or weather changes)?",
    ),
    (
        "(18)您的皮肤容易起荨麻疹吗？（包括风团、风疹块、风疙瘩）",
        "(18) Does your skin easily break out in hives? (including wheals, welts and raised bumps)",
    ),
    (
        "(19)您的皮肤在不知不觉中会出现青紫瘀斑、皮下出血吗？（指皮肤在没有外伤的情况下出现青一块紫一块的情况）",
        "(19) Do bruises or bleeding under the skin appear without your noticing? "
        "(blue and purple patches on the skin without any injury)",
    ),
    (
        "(20)您的皮肤一抓就红，并出现抓痕吗？（指被指甲或钝物划过后皮肤的反应）",
        "(20) Does your skin go red and show marks as soon as it is scratched? "
        "(how the skin reacts when a fingernail or blunt object is drawn across it)",
    ),
    (
        "(21)您皮肤或口唇干吗？",
        "(21) Is your skin or are your lips dry?",
    ),
    (
        "(22)您有肢体麻木或固定部位疼痛的感觉吗？",
        "(22) Do you have numbness in the limbs, or pain that stays in one place?",
    ),
    (
        "(23)您面部或鼻部有油腻感或者油亮发光吗？（指脸上或鼻子）",
        "(23) Does your face or nose feel greasy or look oily and shiny? (the face or the nose)",
    ),
    (
        "(24)您面色或目眶晦黯，或出现褐色斑块/斑点吗？",
        "(24) Is your complexion or the skin around your eyes dark and dull, or do you have brown patches or spots?",
    ),
    (
        "(25)您有皮肤湿疹、疮疖吗？",
        "(25) Do you have eczema, sores or boils on the skin?",
    ),
    (
        "(26)您感到口干咽燥、总想喝水吗？",
        "(26) Do your mouth and throat feel dry, so that you always want a drink?",
    ),
    (
        "(27)您感到口苦或嘴里有异味吗？（指口苦或口臭）",
        "(27) Do you have a bitter or unpleasant taste in your mouth? (a bitter taste or bad breath)",
    ),
    (
        "(28)您腹部肥大吗？（指腹部脂肪肥厚）",
        "(28) Is your abdomen large? (a thick layer of fat on the belly)",
    ),
    (
        "(29)您吃(喝)凉的东西会感到不舒服或者怕吃(喝)凉的东西吗？（指不喜欢吃凉的食物，或吃了凉的食物后会不舒服）",
        "(29) Do cold foods or drinks make you uncomfortable, or are you wary of them? "
        "(you dislike cold food, or feel unwell after eating it)",
    ),
    (
        "(30)您有大便黏滞不爽、解不尽的感觉吗？（大便容易粘在马桶或便坑壁上）",
        "(30) Are your stools sticky and hard to pass, with a feeling of not having finished? "
        "(the stool easily sticks to the toilet bowl)",
    ),
    (
        "(31)您容易大便干燥吗？",
        "(31) Are your stools often dry?",
    ),
    (
        "(32)您舌苔厚腻或有舌苔厚厚的感觉吗？（如果自我感觉不清楚可由调查员观察后填写）",
        "(32) Is your tongue coating thick and greasy, or does it feel thick? "
        "(if you cannot tell, the interviewer looks and fills this in)",
    ),
    (
        "(33)您舌下静脉瘀紫或增粗吗？（可由调查员辅助观察后填写）",
        "(33) Are the veins under your tongue dark purple or swollen? (the interviewer may look and fill this in)",
    ),
)

# Answer labels 1–5 of the ordinary items (the form's column headings).
STANDARD_LABELS: Final[tuple[tuple[str, str], ...]] = (
    ("没有（根本不/从来没有）", "No (not at all / never)"),
    ("很少（有一点/偶尔）", "Rarely (a little / occasionally)"),
    ("有时（有些/少数时间）", "Sometimes (somewhat / some of the time)"),
    ("经常（相当/多数时间）", "Often (quite / most of the time)"),
    ("总是（非常/每天）", "Always (very / every day)"),
)

# Items whose cells carry their own labels on the form: 9 (BMI), 14 (colds a year), 17 (allergies a year),
# 28 (waist). Values are still 1–5.
SPECIAL_LABELS: Final[dict[int, tuple[tuple[str, str], ...]]] = {
    9: (
        ("（BMI＜24）", "BMI < 24"),
        ("（24≤BMI＜25）", "24 ≤ BMI < 25"),
        ("（25≤BMI＜26）", "25 ≤ BMI < 26"),
        ("（26≤BMI＜28）", "26 ≤ BMI < 28"),
        ("（BMI≥28）", "BMI ≥ 28"),
    ),
    14: (
        ("一年＜2次", "Fewer than 2 colds a year"),
        ("一年感冒2-4次", "2–4 colds a year"),
        ("一年感冒5-6次", "5–6 colds a year"),
        ("一年8次以上", "8 or more colds a year"),
        ("几乎每月都感冒", "A cold almost every month"),
    ),
    17: (
        ("从来没有", "Never"),
        ("一年1、2次", "Once or twice a year"),
        ("一年3、4次", "3–4 times a year"),
        ("一年5、6次", "5–6 times a year"),
        ("每次遇到上述原因都过敏", "Every time I meet one of these causes"),
    ),
    28: (
        ("（腹围＜80cm，相当于2.4尺）", "Waist < 80 cm (2.4 chi)"),
        ("（腹围80-85cm，2.4-2.55尺）", "Waist 80–85 cm (2.4–2.55 chi)"),
        ("（腹围86-90cm，2.56-2.7尺）", "Waist 86–90 cm (2.56–2.7 chi)"),
        ("（腹围91-105cm，2.71-3.15尺）", "Waist 91–105 cm (2.71–3.15 chi)"),
        ("（腹围＞105cm或3.15尺）", "Waist > 105 cm (3.15 chi)"),
    ),
}

# The five areas of 中医药保健指导, in the form's order: (Chinese, English).
AREA_NAMES: Final[tuple[tuple[str, str], ...]] = (
    ("情志调摄", "Emotional well-being"),
    ("饮食调养", "Diet"),
    ("起居调摄", "Daily routine"),
    ("运动保健", "Exercise"),
    ("穴位保健", "Acupoint self-care"),
)

_KNEAD_ZH = (
    "用大拇指或中指指腹按压穴位，做轻柔缓和的环旋活动，以穴位感到酸胀为度，按揉2～3分钟，每天操作1～2次"
)
_KNEAD_EN = (
    "press the point with the pad of the thumb or middle finger and circle gently until it feels sore and "
    "distended, kneading 2–3 minutes, once or twice a day"
)
_MOXA_ZH = (
    "点燃艾条或借助温灸盒，对穴位进行温灸，每次10分钟，艾条点燃端要与皮肤保持2～3厘米的距离，不要烫伤皮肤，"
    "每周操作1次"
)
_MOXA_EN = (
    "warm the point with a lit moxa stick or a moxa box for 10 minutes, keeping the lit end 2–3 cm from the skin "
    "so as not to burn it, once a week"
)
_ZUSANLI_ZH = "足三里位于小腿前外侧，当犊鼻下3寸，距胫骨前缘一横指处"
_ZUSANLI_EN = (
    "Zusanli is on the front-outer side of the lower leg, 3 cun below Dubi (the outer eye of the knee), "
    "one finger-breadth from the front edge of the shin bone"
)
_GUANYUAN_ZH = "关元位于下腹部，前正中线上，当脐下3寸"
_GUANYUAN_EN = "Guanyuan is on the lower abdomen, on the front midline, 3 cun below the navel"

# Acupoints named by the 穴位保健 of each constitution: (Chinese, English).
ACUPOINTS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "pinghe": (("涌泉", "Yongquan (KI1)"), ("足三里", "Zusanli (ST36)")),
    "qixu": (("气海", "Qihai (CV6)"), ("关元", "Guanyuan (CV4)")),
    "yangxu": (("关元", "Guanyuan (CV4)"), ("命门", "Mingmen (GV4)")),
    "yinxu": (("太溪", "Taixi (KI3)"), ("三阴交", "Sanyinjiao (SP6)")),
    "tanshi": (("丰隆", "Fenglong (ST40)"), ("足三里", "Zusanli (ST36)")),
    "shire": (("支沟", "Zhigou (TE6)"), ("阴陵泉", "Yinlingquan (SP9)")),
    "xueyu": (("期门", "Qimen (LR14)"), ("血海", "Xuehai (SP10)")),
    "qiyu": (("合谷", "Hegu (LI4)"), ("太冲", "Taichong (LR3)")),
    "tebing": (("神阙", "Shenque (CV8)"), ("曲池", "Quchi (LI11)")),
}

# Constitutions whose guidance below is unconfirmed ([U], see the module docstring).
UNCONFIRMED_GUIDANCE: Final = frozenset({"yangxu", "yinxu", "shire"})

# Guidance per constitution: five (Chinese, English) texts in AREA_NAMES order.
GUIDANCE: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "pinghe": (
        (
            "宜保持平和的心态。可根据个人爱好，选择弹琴、下棋、书法、绘画、听音乐、阅读、旅游、种植花草等放松心情。",
            "Keep a calm, even frame of mind. Relax through what you enjoy: playing an instrument, chess, "
            "calligraphy, painting, music, reading, travel, growing flowers and plants.",
        ),
        (
            "饮食宜粗细粮食合理搭配，多吃五谷杂粮、蔬菜瓜果，少食过于油腻及辛辣食品；不要过饥过饱，也不要进食过冷过烫"
            "或不干净食物；注意戒烟限酒。四时饮食调养：①春宜多食蔬菜，如菠菜、芹菜、春笋、荠菜等。②夏宜多食新鲜水果，"
            "如西瓜、番茄、菠萝等，其他清凉生津食品，如金银花、菊花、鲜芦根、绿豆、冬瓜、苦瓜、黄瓜、生菜、豆芽等均可"
            "酌情食用，以清热祛暑。③长夏宜选用茯苓、藿香、山药、莲子、薏苡仁、扁豆、丝瓜等利湿健脾之品，不宜进食滋腻"
            "碍胃的食物。④秋宜选用寒温偏性不明显的平性药食。同时，宜食用濡润滋阴之品以保护阴津，如沙参、麦冬、阿胶、"
            "甘草等。⑤冬宜选用温补之品，如生姜、肉桂、羊肉等温补之品。",
            "Mix coarse and refined grains sensibly; eat plenty of mixed grains, vegetables and fruit and little that "
            "is very greasy or spicy; neither go hungry nor overeat, and avoid food that is too cold, too hot or "
            "unclean; stop smoking and limit alcohol. By season: (1) spring: more vegetables such as spinach, celery, "
            "spring bamboo shoots, shepherd's purse; (2) summer: more fresh fruit such as watermelon, tomato, "
            "pineapple, and cooling foods as suits you (honeysuckle, chrysanthemum, fresh reed root, mung beans, wax "
            "gourd, bitter melon, cucumber, lettuce, bean sprouts) to clear summer heat; (3) late summer: foods that "
            "drain damp and strengthen the spleen such as poria, patchouli, Chinese yam, lotus seed, coix seed, "
            "hyacinth bean, loofah, and nothing rich and cloying; (4) autumn: neutral foods, and moistening ones that "
            "protect body fluids such as glehnia root, ophiopogon, donkey-hide gelatin, liquorice; (5) winter: "
            "warming foods such as ginger, cinnamon, mutton.",
        ),
        (
            "起居宜规律，睡眠要充足，劳逸相结合，穿戴求自然。",
            "Keep regular hours, sleep enough, balance work and rest, and dress naturally for the weather.",
        ),
        (
            "形成良好的运动健身习惯。可根据个人爱好和耐受程度，选择运动健身项目。",
            "Make regular exercise a habit, choosing activities by what you enjoy and can tolerate.",
        ),
        (
            "选穴：涌泉、足三里。定位：涌泉位于足底部，卷足时足前部凹陷处，约当足底2、3趾趾缝纹头端与足跟连线的前三分"
            f"之一与后三分之二交点上；{_ZUSANLI_ZH}。操作：{_KNEAD_ZH}。",
            "Points: Yongquan and Zusanli. Location: Yongquan is on the sole, in the hollow at the front of the foot "
            "when the toes are curled, one third of the way from the web of the 2nd and 3rd toes to the heel; "
            f"{_ZUSANLI_EN}. Method: {_KNEAD_EN}.",
        ),
    ),
    "qixu": (
        (
            "宜保持稳定乐观的心态，不可过度劳神。宜欣赏节奏明快的音乐，如笛子曲《喜相逢》等。",
            "Stay steady and optimistic and do not overtax the mind. Listen to lively, bright music such as the "
            "flute piece Happy Reunion (喜相逢).",
        ),
        (
            "宜选用性平偏温、健脾益气的食物，如大米、小米、南瓜、胡萝卜、山药、大枣、香菇、莲子、白扁豆、黄豆、豆腐、"
            "鸡肉、鸡蛋、鹌鹑（蛋）、牛肉等。尽量少吃或不吃槟榔、生萝卜等耗气的食物。不宜多食生冷苦寒、辛辣燥热的食物。"
            "参考食疗方：（1）山药粥：山药、粳米，具有补中益气功效，适合气虚体质者食用。（2）黄芪童子鸡：童子鸡、生黄芪，"
            "具有益气补虚功效，适合气虚体质易自汗者食用。本方补气力量较强，对气虚表现比较明显者，可每隔半个月食用一次，"
            "不宜长期连续服用。",
            "Choose neutral-to-warm foods that strengthen the spleen and replenish qi: rice, millet, pumpkin, carrot, "
            "Chinese yam, jujube, shiitake, lotus seed, white hyacinth bean, soybean, tofu, chicken, eggs, quail "
            "(eggs), beef. Eat little or no betel nut or raw radish, which consume qi; not much raw, cold, bitter or "
            "spicy, hot food. Recipes: (1) Chinese yam porridge (yam, rice), to replenish qi; (2) young chicken with "
            "astragalus, for those who sweat easily; it is strong, so at most once a fortnight and not for long.",
        ),
        (
            "提倡劳逸结合，不要过于劳作，以免损伤正气。平时应避免汗出受风。居室环境应采用明亮的暖色调。",
            "Balance work and rest and do not overwork. Avoid wind and draughts when sweating. Keep the home bright "
            "and in warm colours.",
        ),
        (
            "宜选择比较柔和的传统健身项目，如八段锦。在做完全套八段锦动作后，将“两手攀足固肾腰”和“攒拳怒目增气力”各加做"
            "1～3遍。避免剧烈运动。还可采用提肛法防止脏器下垂，提肛法：全身放松，注意力集中在会阴肛门部。首先吸气收腹，"
            "收缩并提升肛门，停顿2～3秒之后，再缓慢放松呼气，如此反复10～15次。",
            "Choose gentle traditional exercise such as Baduanjin; after the full set repeat 'Holding the feet to "
            "strengthen the kidneys' and 'Clenching the fists with glaring eyes' 1–3 more times. Avoid strenuous "
            "exercise. Anal lifting helps prevent organ prolapse: relax, breathe in and draw in the belly while "
            "tightening and lifting the anus, hold 2–3 seconds, then relax and breathe out slowly; 10–15 times.",
        ),
        (
            "选穴：气海、关元。定位：气海位于下腹部，前正中线上，当脐中下1.5寸；"
            f"{_GUANYUAN_ZH}。操作：用掌根着力于穴位，做轻柔缓和的环旋活动，每个穴位按揉2～3分钟，每天操作1～2次。"
            f"还可以采用艾条温和灸，增加温阳益气的作用：{_MOXA_ZH}。",
            "Points: Qihai and Guanyuan. Location: Qihai is on the lower abdomen, on the front midline, 1.5 cun below "
            f"the navel; {_GUANYUAN_EN}. Method: circle gently on each point with the heel of the palm for 2–3 "
            f"minutes, once or twice a day. Mild moxibustion adds warmth and qi: {_MOXA_EN}.",
        ),
    ),
    "yangxu": (
        (
            "宜保持积极向上的心态，正确对待生活中的不利事件，及时调节自己的消极情绪。宜欣赏激昂、高亢、豪迈的音乐，"
            "如《黄河大合唱》等。",
            "Keep a positive outlook, take setbacks in your stride and deal with low moods promptly. Listen to "
            "stirring, rousing music such as the Yellow River Cantata.",
        ),
        (
            "宜选用甘温补脾阳、温肾阳为主的食物，如羊肉、鸡肉、带鱼、黄鳝、虾、刀豆、韭菜、茴香、核桃、栗子、腰果、"
            "松子、红茶、生姜等。少食生冷、苦寒、黏腻食物，如田螺、螃蟹、海带、紫菜、芹菜、苦瓜、冬瓜、西瓜、香蕉、"
            "柿子、甘蔗、梨、绿豆、蚕豆、绿茶、冷冻饮料等。即使在盛夏也不要过食寒凉之品。参考食疗方：（1）当归生姜羊肉汤："
            "当归、生姜、羊肉，具有温阳补血、祛寒止痛的功效。（2）韭菜炒胡桃仁：胡桃仁、韭菜，具有补肾助阳的功效，"
            "适合腰膝冷痛者食用。",
            "Choose sweet, warm foods that warm the spleen and kidney yang: mutton, chicken, hairtail, eel, shrimp, "
            "sword bean, Chinese chives, fennel, walnut, chestnut, cashew, pine nuts, black tea, ginger. Eat little "
            "raw, cold, bitter or sticky food (river snails, crab, kelp, laver, celery, bitter melon, wax gourd, "
            "watermelon, banana, persimmon, sugar cane, pear, mung and broad beans, green tea, iced drinks), not "
            "even at the height of summer. Recipes: (1) mutton soup with angelica and ginger, to warm yang and "
            "nourish blood; (2) chives stir-fried with walnuts, for a cold, aching lower back and knees.",
        ),
        (
            "居住环境以温和的暖色调为宜，不宜在阴暗、潮湿、寒冷的环境下长期工作和生活。平时要注意腰部、背部和下肢保暖。"
            "白天保持一定活动量，避免打盹瞌睡。睡觉前尽量不要饮水，睡前将小便排净。",
            "Live in warm colours; do not live or work for long in dark, damp or cold places. Keep the lower back, "
            "back and legs warm. Stay active in the daytime and avoid dozing. Drink little before bed and empty the "
            "bladder before sleeping.",
        ),
        (
            "宜在阳光充足的环境下适当进行舒缓柔和的户外活动，尽量避免在大风、大寒、大雪的环境中锻炼。日光浴、空气浴是"
            "较好的强身壮阳之法。也可选择八段锦，在完成整套动作后将“五劳七伤往后瞧”和“两手攀足固肾腰”加做1～3遍。",
            "Do gentle outdoor activity in sunshine; avoid exercising in strong wind, severe cold or snow. Sun and "
            "fresh-air bathing strengthen yang. Baduanjin also suits; after the full set repeat 'Looking back to "
            "relieve strain' and 'Holding the feet to strengthen the kidneys' 1–3 more times.",
        ),
        (
            f"选穴：关元、命门。定位：{_GUANYUAN_ZH}；命门位于腰部，当后正中线上，第2腰椎棘突下凹陷中。操作：两穴均可"
            f"采用温和灸（{_MOXA_ZH}）；关元还可用掌根揉法，每次2～3分钟，每天1～2次。也可配合摩擦腰肾法温肾助阳：以手掌"
            "鱼际、掌根或拳背摩擦两侧腰骶部，每次操作约10分钟，以摩至皮肤温热为度，每天1次。",
            f"Points: Guanyuan and Mingmen. Location: {_GUANYUAN_EN}; Mingmen is on the lower back, on the back "
            f"midline, in the hollow below the spinous process of the 2nd lumbar vertebra. Method: mild moxibustion "
            f"on both ({_MOXA_EN}); Guanyuan may also be kneaded with the heel of the palm, 2–3 minutes once or twice "
            "a day. Rubbing both sides of the lower back with the palm or the back of the fist for about 10 minutes "
            "a day, until the skin is warm, also warms the kidneys.",
        ),
    ),
    "yinxu": (
        (
            "宜加强自我修养、培养自己的耐性，尽量减少与人争执、动怒，不宜参加竞争胜负的活动，可在安静、优雅环境中练习"
            "书法、绘画等。有条件者可以选择在环境清新凉爽的海边、山林旅游休假。宜欣赏曲调轻柔、舒缓的音乐，如舒伯特"
            "《小夜曲》等。",
            "Cultivate patience and composure; avoid quarrels, anger and competitive games; practise calligraphy or "
            "painting in quiet surroundings. Holidays by the sea or in cool forests suit you. Listen to soft, "
            "soothing music such as Schubert's Serenade.",
        ),
        (
            "宜选用甘凉滋润的食物，如鸭肉、猪瘦肉、百合、黑芝麻、蜂蜜、荸荠、鳖、海蜇、海参、甘蔗、银耳、燕窝等。少食"
            "温燥、辛辣、香浓的食物，如羊肉、韭菜、茴香、辣椒、葱、蒜、葵花子、酒、咖啡、浓茶，以及荔枝、龙眼、樱桃、"
            "杏、大枣、核桃、栗子等。参考食疗方：（1）莲子百合煲瘦肉：莲子（去芯）、百合、猪瘦肉，具有清心润肺、益气"
            "安神的功效。（2）蜂蜜蒸百合：百合、蜂蜜，具有补肺、润燥、清热的作用，适合常感咽干口燥、皮肤干燥者食用。",
            "Choose sweet, cool, moistening foods: duck, lean pork, lily bulb, black sesame, honey, water chestnut, "
            "soft-shelled turtle, jellyfish, sea cucumber, sugar cane, white fungus, bird's nest. Eat little warm, "
            "dry, spicy or strong-flavoured food (mutton, chives, fennel, chilli, spring onion, garlic, sunflower "
            "seeds, alcohol, coffee, strong tea, lychee, longan, cherry, apricot, jujube, walnut, chestnut). "
            "Recipes: (1) lean pork stewed with lotus seeds and lily bulb, to calm the mind and moisten the lungs; "
            "(2) lily bulb steamed with honey, for a dry mouth, throat and skin.",
        ),
        (
            "居住环境宜安静，选择坐北朝南的房子。保证充足的睡眠时间，以藏养阴气。工作紧张、熬夜、剧烈运动、高温酷暑的"
            "工作生活环境等能加重阴虚倾向，应尽量避免。节制房事，勿吸烟。注意防晒，保持皮肤湿润，宜选择蚕丝等清凉柔和"
            "的衣物。",
            "Live somewhere quiet, in a south-facing home. Sleep enough to conserve yin. Avoid stress, late nights, "
            "strenuous exercise and very hot surroundings, which worsen yin deficiency. Moderate sexual activity and "
            "do not smoke. Protect yourself from the sun, keep the skin moist, and wear cool, soft fabrics such as "
            "silk.",
        ),
        (
            "宜做中小强度的运动项目，控制出汗量，及时补充水分。不宜进行大强度、大运动量的锻炼，避免在炎热的夏天或闷热"
            "的环境中运动。可选择八段锦，在做完整套动作后将“摇头摆尾去心火”和“两手攀足固肾腰”加做1～3遍。也可选择"
            "太极拳、太极剑等。",
            "Do light to moderate exercise, limit sweating and drink in time. Avoid hard, heavy training and "
            "exercising in hot or stuffy weather. Baduanjin suits; after the full set repeat 'Swaying the head and "
            "hips to calm heart fire' and 'Holding the feet to strengthen the kidneys' 1–3 more times. Taiji boxing "
            "or taiji sword also suit.",
        ),
        (
            "选穴：太溪、三阴交。定位：太溪位于足内侧，内踝后方，当内踝尖与跟腱之间的凹陷处；三阴交位于小腿内侧，当足"
            f"内踝尖上3寸，胫骨内侧缘后方。操作：采用指揉法，{_KNEAD_ZH}。",
            "Points: Taixi and Sanyinjiao. Location: Taixi is on the inner side of the foot, behind the inner ankle, "
            "in the hollow between the tip of the ankle bone and the Achilles tendon; Sanyinjiao is on the inner side "
            "of the lower leg, 3 cun above the tip of the inner ankle, behind the inner edge of the shin bone. "
            f"Method: finger kneading: {_KNEAD_EN}.",
        ),
    ),
    "tanshi": (
        (
            "宜多参加社会活动，培养广泛的兴趣爱好。宜欣赏激进、振奋的音乐，如二胡《赛马》等。",
            "Take part in social activities and cultivate a wide range of interests. Listen to spirited, uplifting "
            "music such as the erhu piece Horse Racing (赛马).",
        ),
        (
            "宜选用健脾助运、祛湿化痰的食物，如冬瓜、白萝卜、薏苡仁、赤小豆、荷叶、山楂、生姜、荠菜、紫菜、海带、鲫鱼、"
            "鲤鱼、鲈鱼、文蛤等。少食肥、甜、油、黏（腻）的食物。参考食疗方：（1）荷叶粥：干荷叶、大米，具有祛湿降浊的"
            "功效，适合痰湿体质者食用。（2）冬瓜海带薏米排骨汤：冬瓜、海带、薏米、猪排骨（少量）、生姜，具有健脾祛湿、"
            "化痰消浊的功效，适合痰湿体质腹部肥满的老年人食用。",
            "Choose foods that help the spleen and clear damp and phlegm: wax gourd, white radish, coix seed, adzuki "
            "beans, lotus leaf, hawthorn, ginger, shepherd's purse, laver, kelp, crucian carp, carp, perch, clams. "
            "Eat little fatty, sweet, oily or sticky food. Recipes: (1) lotus-leaf porridge (dried lotus leaf, "
            "rice), to clear damp; (2) soup of wax gourd, kelp, coix seed, a few pork ribs and ginger, for older "
            "people with a large, soft belly.",
        ),
        (
            "居住环境宜干燥，不宜潮湿，穿衣面料以棉、麻、丝等透气散湿的天然纤维为佳，尽量保持宽松，有利于汗液蒸发，祛除"
            "体内湿气。晚上睡觉枕头不宜过高，防止打鼾加重；早睡早起，不要过于安逸，勿贪恋沙发和床榻。",
            "Live somewhere dry, not damp; wear loose, breathable natural fabrics (cotton, linen, silk) that let "
            "sweat evaporate. Do not sleep on a high pillow, which makes snoring worse; go to bed early and get up "
            "early, and do not lounge on the sofa or in bed.",
        ),
        (
            "坚持长期运动锻炼，强度应根据自身的状况循序渐进。不宜在阴雨季节、天气湿冷的气候条件下运动。可选择快走、武术"
            "以及打羽毛球等，使松弛的肌肉逐渐变得结实、致密。如果体重过重、膝盖受损，可选择游泳。",
            "Exercise regularly for the long term, building up intensity step by step; not in rainy, damp or cold "
            "weather. Brisk walking, martial arts and badminton firm up slack muscles; if you are heavy or your "
            "knees are damaged, swim.",
        ),
        (
            f"选穴：丰隆、足三里。定位：{_ZUSANLI_ZH}；丰隆位于小腿前外侧，当外踝尖上8寸，条口外，距胫骨前缘二横指处。"
            f"操作：采用指揉法，{_KNEAD_ZH}。",
            f"Points: Fenglong and Zusanli. Location: {_ZUSANLI_EN}; Fenglong is on the front-outer side of the lower "
            "leg, 8 cun above the tip of the outer ankle, outside Tiaokou, two finger-breadths from the front edge "
            f"of the shin bone. Method: finger kneading: {_KNEAD_EN}.",
        ),
    ),
    "shire": (
        (
            "宜稳定情绪，尽量避免烦恼，可选择不同形式的兴趣爱好。宜欣赏曲调悠扬的乐曲，如古筝《高山流水》等。",
            "Keep your emotions steady and avoid worry; take up hobbies of different kinds. Listen to flowing, "
            "melodious music such as the guzheng piece High Mountains and Flowing Water.",
        ),
        (
            "宜选用甘寒或苦寒的清利化湿食物，如绿豆（芽）、绿豆糕、绿茶、芹菜、黄瓜、苦瓜、西瓜、冬瓜、薏苡仁、赤小豆、"
            "马齿苋、藕等。少食羊肉、动物内脏等肥厚油腻之品，以及韭菜、生姜、辣椒、胡椒、花椒及火锅、烹炸、烧烤等辛温"
            "助热的食物。参考食疗方：（1）老黄瓜赤小豆煲猪肉汤：老黄瓜、赤小豆、猪瘦肉、陈皮、生姜，具有清热利湿、理气"
            "和中的功效。（2）绿豆薏米粥：生薏苡仁、绿豆，具有清热利湿解毒的功效，适合易长疮疖者食用。",
            "Choose sweet-cold or bitter-cold foods that clear heat and drain damp: mung beans (and sprouts), mung "
            "bean cake, green tea, celery, cucumber, bitter melon, watermelon, wax gourd, coix seed, adzuki beans, "
            "purslane, lotus root. Eat little fatty, greasy food such as mutton and offal, and little pungent, "
            "heating food (chives, ginger, chilli, pepper, Sichuan pepper, hot pot, deep-fried and barbecued food). "
            "Recipes: (1) soup of old cucumber, adzuki beans, lean pork, tangerine peel and ginger; (2) mung bean "
            "and coix seed porridge, for those prone to boils.",
        ),
        (
            "居室宜干燥、通风良好，避免居处潮热，可在室内用除湿器或空调改善湿、热的环境。选择款式宽松、透气性好的天然"
            "棉、麻、丝质服装。注意个人卫生，预防皮肤病变。保持充足而有规律的睡眠，睡前半小时不宜思考问题、看书、看情节"
            "紧张的电视节目，避免服用兴奋饮料，不宜吸烟饮酒。保持二便通畅，防止湿热积聚。",
            "Keep the home dry and well aired, not damp and hot; a dehumidifier or air conditioner helps. Wear loose, "
            "breathable cotton, linen or silk. Keep clean to prevent skin problems. Sleep enough and regularly; in "
            "the half hour before bed do not think over problems, read or watch gripping television, and avoid "
            "stimulating drinks; do not smoke or drink alcohol. Keep bowels and bladder regular.",
        ),
        (
            "宜做中长跑、游泳、各种球类、武术等强度较大的锻炼。夏季应避免在烈日下长时间活动，在秋高气爽的季节，经常选择"
            "爬山登高，更有助于祛除湿热。也可做八段锦，在完成整套动作后将“双手托天理三焦”和“调理脾胃须单举”加做1～3遍，"
            "每日1遍。",
            "Do fairly vigorous exercise: middle- and long-distance running, swimming, ball games, martial arts. In "
            "summer avoid long spells in strong sun; in the crisp autumn, hill walking helps clear damp heat. "
            "Baduanjin also suits, once a day; after the full set repeat 'Holding up the sky' and 'Raising one arm "
            "to regulate the spleen and stomach' 1–3 more times.",
        ),
        (
            "选穴：支沟、阴陵泉。定位：支沟位于前臂背侧，当阳池与肘尖的连线上，腕背横纹上3寸，尺骨与桡骨之间；阴陵泉"
            f"位于小腿内侧，当胫骨内侧髁后下方凹陷处。操作：采用指揉法，{_KNEAD_ZH}。",
            "Points: Zhigou and Yinlingquan. Location: Zhigou is on the back of the forearm, on the line from Yangchi "
            "to the tip of the elbow, 3 cun above the back wrist crease, between the ulna and the radius; "
            "Yinlingquan is on the inner side of the lower leg, in the hollow below and behind the inner condyle of "
            f"the shin bone. Method: finger kneading: {_KNEAD_EN}.",
        ),
    ),
    "xueyu": (
        (
            "遇事宜沉稳，努力克服浮躁情绪。宜欣赏流畅抒情的音乐，如《春江花月夜》等。",
            "Meet events calmly and work at overcoming impatience. Listen to flowing, lyrical music such as "
            "Spring River in the Flower Moon Night.",
        ),
        (
            "宜选用具有调畅气血作用的食物，如生山楂、醋、玫瑰花、桃仁（花）、黑豆、油菜等。少食收涩、寒凉、冰冻之物，"
            "如乌梅、柿子、石榴、苦瓜、花生米，以及高脂肪、高胆固醇、油腻食物，如蛋黄、虾、猪头肉、猪脑、奶酪等。还可"
            "少量饮用葡萄酒、糯米甜酒，有助于促进血液运行，但高血压和冠心病等患者不宜饮用。女性月经期间慎用活血类食物。"
            "参考食疗方：（1）黑豆川芎粥：川芎、黑豆、大米，具有活血祛瘀功效，适合血瘀体质者食用。（2）红花三七蒸老母鸡："
            "老母鸡、参三七、红花、陈皮，具有活血行气功效，适合血瘀体质患有胸痹、痛证者食用。",
            "Choose foods that move qi and blood: fresh hawthorn, vinegar, rose, peach kernel (blossom), black "
            "beans, rape greens. Eat little astringent, cold or frozen food (smoked plum, persimmon, pomegranate, "
            "bitter melon, peanuts) and little fatty, high-cholesterol food (egg yolk, shrimp, pig's head meat, pig "
            "brain, cheese). A little grape wine or sweet rice wine helps the blood move, but not for people with "
            "hypertension or coronary disease; women take care with blood-moving foods during menstruation. "
            "Recipes: (1) porridge of chuanxiong, black beans and rice, to move blood; (2) old hen steamed with "
            "safflower, notoginseng and tangerine peel, for chest pain and other pain.",
        ),
        (
            "居室宜温暖舒适，不宜在阴暗、寒冷的环境中长期工作和生活。衣着宜宽松，注意保暖，保持大便通畅。不宜贪图安逸，"
            "宜在阳光充足的时候进行户外活动。避免长时间打麻将、久坐、看电视等。",
            "Keep the home warm and comfortable; do not live or work long in dark, cold places. Wear loose, warm "
            "clothes and keep the bowels regular. Do not take life too easy; go out when the sun is shining. Avoid "
            "long sessions of mahjong, sitting or television.",
        ),
        (
            "宜进行有助于促进气血运行的运动项目，持之以恒。如步行健身法，或者八段锦，在完成整套动作后将“左右开弓似射雕”"
            "和“背后七颠百病消”加做1～3遍。避免在封闭环境中进行锻炼。锻炼强度视身体情况而定，不宜进行大强度、大负荷运动，"
            "以防意外。",
            "Keep up exercise that gets qi and blood moving, such as walking or Baduanjin; after the full set repeat "
            "'Drawing the bow to both sides' and 'Bouncing on the toes' 1–3 more times. Do not exercise in closed "
            "rooms. Match the intensity to your health; no hard, heavy training, to prevent accidents.",
        ),
        (
            "选穴：期门、血海。定位：期门位于胸部，当乳头直下，第6肋间隙，前正中线旁开4寸；血海：屈膝，在大腿内侧，"
            f"髌底内侧端上2寸，当股四头肌内侧头的隆起处。操作：采用指揉法，{_KNEAD_ZH}。",
            "Points: Qimen and Xuehai. Location: Qimen is on the chest, straight below the nipple, in the 6th "
            "intercostal space, 4 cun from the front midline; Xuehai (knee bent) is on the inner thigh, 2 cun above "
            "the inner end of the base of the kneecap, on the bulge of the inner head of the quadriceps. Method: "
            f"finger kneading: {_KNEAD_EN}.",
        ),
    ),
    "qiyu": (
        (
            "宜乐观开朗，多与他人相处，不苛求自己也不苛求他人。如心境抑郁不能排解时，要积极寻找原因，及时向朋友倾诉。"
            "宜欣赏节奏欢快、旋律优美的乐曲如《金蛇狂舞》等，还适宜看喜剧、励志剧，以及轻松愉悦的相声表演。",
            "Be cheerful and open, spend time with others, and do not demand too much of yourself or anyone else. "
            "When low moods will not lift, look for the cause and talk to friends in time. Listen to lively, "
            "melodious music such as Dance of the Golden Snake; comedies, uplifting dramas and light crosstalk suit "
            "you too.",
        ),
        (
            "宜选用具有理气解郁作用的食物，如黄花菜、菊花、玫瑰花、茉莉花、大麦、金橘、柑橘、柚子等。少食收敛酸涩的食物，"
            "如石榴、乌梅、青梅、杨梅、草莓、杨桃、酸枣、李子、柠檬、南瓜、泡菜等。参考食疗方：（1）三花茶：茉莉花、菊花、"
            "玫瑰花，具有行气解郁功效，适合气郁体质者饮用。（2）黄花菜瘦肉汤：黄花菜（水焯）、猪瘦肉、生姜，适量油盐，"
            "具有疏肝解郁功效，适合气郁体质者食用。",
            "Choose foods that move qi and ease stagnation: day lily, chrysanthemum, rose, jasmine, barley, kumquat, "
            "tangerine, pomelo. Eat little sour, astringent food (pomegranate, smoked and green plums, bayberry, "
            "strawberry, star fruit, sour jujube, plum, lemon, pumpkin, pickles). Recipes: (1) three-flower tea "
            "(jasmine, chrysanthemum, rose); (2) soup of blanched day lily, lean pork and ginger.",
        ),
        (
            "尽量增加户外活动和社交，防止一人独处时心生凄凉。居室保持安静，宜宽敞、明亮。平日保持有规律的睡眠，睡前避免"
            "饮用茶、咖啡和可可等饮料。衣着宜柔软、透气、舒适。",
            "Go out and meet people as much as you can, so as not to brood alone. Keep the home quiet, spacious and "
            "bright. Sleep regularly and avoid tea, coffee and cocoa before bed. Wear soft, breathable, comfortable "
            "clothes.",
        ),
        (
            "宜多参加群体性体育运动项目，坚持做较大强度、较大负荷的“发泄式”锻炼，如跑步、登山、游泳。也可参与下棋、打牌"
            "等娱乐活动，分散注意力。",
            "Join group sports and keep up fairly hard exercise that lets off steam: running, hill climbing, "
            "swimming. Chess and cards help take your mind off things.",
        ),
        (
            "选穴：合谷、太冲。定位：合谷位于手背，第1、2掌骨间，当第2掌骨桡侧的中点处；太冲位于足背侧，当第1跖骨间隙"
            f"的后方凹陷处。操作：采用指揉法，{_KNEAD_ZH}。",
            "Points: Hegu and Taichong. Location: Hegu is on the back of the hand, between the 1st and 2nd metacarpal "
            "bones, at the middle of the radial side of the 2nd; Taichong is on the top of the foot, in the hollow "
            f"at the back of the space between the 1st and 2nd metatarsal bones. Method: finger kneading: {_KNEAD_EN}.",
        ),
    ),
    "tebing": (
        (
            "过敏体质的人因对过敏原敏感，容易产生紧张、焦虑等情绪，因此要在尽量避免过敏原的同时，还应避免紧张情绪。",
            "People with allergies are sensitive to allergens and easily become tense or anxious: avoid allergens "
            "as far as possible, and avoid tension as well.",
        ),
        (
            "饮食宜均衡、粗细粮食搭配适当、荤素配伍合理，宜多食益气固表的食物，尽量少食辛辣、腥发食物，不食含致敏物质的"
            "食品，如蚕豆、白扁豆、羊肉、鹅肉、鲤鱼、虾、蟹、茄子、辣椒、浓茶、咖啡等。参考食疗方：（1）固表粥：乌梅、"
            "黄芪、当归、粳米，具有益气养血脱敏功效，适合过敏体质易发皮肤过敏者食用。（2）黄芪首乌藤炖猪瘦肉：黄芪、"
            "首乌藤、猪瘦肉、食盐、葱、生姜、料酒、味精各适量，具有益气养血、祛风脱敏功效，适合过敏体质者食用。",
            "Eat a balanced diet with coarse and refined grains, meat and vegetables in sensible proportion; more "
            "foods that strengthen qi and the body's defences; little spicy food or food known to provoke reactions; "
            "none that contains your allergens (e.g. broad beans, white hyacinth beans, mutton, goose, carp, shrimp, "
            "crab, aubergine, chilli, strong tea, coffee). Recipes: (1) 'securing' porridge of smoked plum, "
            "astragalus, angelica and rice, for skin allergies; (2) lean pork stewed with astragalus and fleeceflower "
            "stem.",
        ),
        (
            "起居要有规律，保持充足的睡眠时间。居室宜通风良好。生活环境中接触的物品如枕头、棉被、床垫、地毯、窗帘、衣橱"
            "易附有尘螨，可引起过敏，应经常清洗、日晒。外出也要避免处在花粉及粉刷油漆的空气中，以免刺激而诱发过敏病症。",
            "Keep regular hours and sleep enough. Air the home well. Pillows, quilts, mattresses, carpets, curtains "
            "and wardrobes harbour dust mites that cause allergies: wash and sun them often. Outdoors, keep away "
            "from pollen and fresh paint.",
        ),
        (
            "宜进行慢跑、散步等户外活动，也可选择下棋、瑜伽等室内活动。不宜选择大运动量的活动，避免春天或季节交替时长时间"
            "在野外锻炼。运动时注意避风寒，如出现哮喘、憋闷的现象应及时停止运动。",
            "Jog or walk outdoors, or choose indoor activities such as chess or yoga. Avoid heavy exercise, and long "
            "outdoor sessions in spring or when the seasons change. Keep out of wind and cold when exercising; stop "
            "at once if you wheeze or feel tight in the chest.",
        ),
        (
            "选穴：神阙、曲池。定位：神阙位于腹中部，脐中央；曲池位于肘横纹外侧端，屈肘，当尺泽与肱骨外上髁连线中点。"
            f"操作：神阙采用温和灸（{_MOXA_ZH}）；曲池采用指揉法，{_KNEAD_ZH}。",
            "Points: Shenque and Quchi. Location: Shenque is at the centre of the navel; Quchi (elbow bent) is at the "
            "outer end of the elbow crease, midway between Chize and the lateral epicondyle of the humerus. Method: "
            f"mild moxibustion on Shenque ({_MOXA_EN}); finger kneading on Quchi: {_KNEAD_EN}.",
        ),
    ),
}

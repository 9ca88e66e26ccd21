package main

import "math/rand/v2"

// Scripts are what is said and done during a call. They take the scenario's
// RNG so that a script could vary details, but most are fixed text: the
// point is realistic shape, not variety.

type script func(r *rand.Rand) []step

func fixed(steps ...step) script {
	return func(*rand.Rand) []step { return steps }
}

var clinicConfirm = fixed(
	ag("Hi Dana, this is Maple Street Clinic calling about your Tuesday 10:30 appointment with Dr. Okafor."),
	us("Oh yes, I'll be there."),
	tool("confirm_appointment", `{"appointment_id":"apt_5521"}`, `{"status":"confirmed"}`, okTrue),
	ag("Great, you're confirmed. Please bring your insurance card. Goodbye!"),
	tool("end_call", `{}`, "ok", okTrue),
)

var clinicReschedule = fixed(
	ag("Hi Marcus, this is Maple Street Clinic calling to confirm your appointment on Wednesday at 9:00."),
	us("Ah, Wednesday doesn't work anymore, I've got a work trip. Can we move it?"),
	ag("Of course. Let me check what we have later in the week."),
	tool("check_availability", `{"provider":"dr_okafor","from":"2026-06-04","to":"2026-06-06"}`,
		`{"error":"calendar service timeout"}`, okFalse),
	ag("Sorry, the calendar is being slow. One more moment."),
	tool("check_availability", `{"provider":"dr_okafor","from":"2026-06-04","to":"2026-06-06"}`,
		`{"slots":["2026-06-04T14:00","2026-06-05T08:30"]}`, okTrue),
	ag("I have Thursday at 2 PM or Friday at 8:30 in the morning."),
	us("Thursday at two, please."),
	tool("book_appointment", `{"slot":"2026-06-04T14:00","patient_id":"p_88120"}`, `{"booking":"bk_3391","ok":true}`, okAbsent),
	ag("Done, you're booked for Thursday at 2 PM. You'll get a text confirmation shortly."),
	us("Perfect, thanks a lot."),
	ag("You're welcome, Marcus. Have a good trip!"),
)

var clinicVoicemail = fixed(
	us("Hi, you've reached Priya. I can't take your call right now, please leave a message after the tone."),
	zeroAt(1, us("Beep.")),
	ag("Hi Priya, this is Maple Street Clinic reminding you of your appointment on Monday at 11:15. Please call us back at 415 555 0142 if you need to reschedule. Thank you!"),
)

var clinicIVR = fixed(
	us("Thank you for calling Brightline Insurance. For claims, press 1. For billing, press 2. To hear these options again, press 9."),
	ag("Hello, I'm trying to reach Mr. Alvarez."),
	us("I'm sorry, I didn't get that. For claims, press 1. For billing, press 2."),
)

var clinicWebDemo = fixed(
	ag("Hi there! This is the Maple Street Clinic assistant. How can I help you today?"),
	us("I'm just testing you from the dashboard. Can you tell me your opening hours?"),
	ag("Sure! We're open Monday to Friday, 8 AM to 6 PM, and Saturday mornings 9 to noon."),
	us("Great, that's all."),
	ag("Thanks for testing! Goodbye."),
)

var clinicLegacy = fixed(
	us("Hello?"),
	ag("Hi, this is Maple Street Clinic calling for Ruth Bader about a lab result follow-up."),
	us("Hi, you've reached the Bader residence. Leave a message."),
)

// orderStatusWeb mirrors retell-api.md §6.2: a conversation-flow agent with
// node transitions and a tool lookup.
var orderStatusWeb = fixed(
	node("begin", "Begin", "node_greet", "Greeting", "normal"),
	ag("Hi Sam, how can I help?"),
	us("Where is order A-2291?"),
	node("node_greet", "Greeting", "node_lookup", "Lookup Order", "normal"),
	tool("get_order_status", `{"order_id":"A-2291"}`, `{"status":"shipped","eta":"Friday"}`, okTrue),
	ag("It shipped yesterday and arrives Friday."),
	node("node_lookup", "Lookup Order", "node_wrap", "Wrap Up", "normal"),
	us("Thanks, bye."),
)

var orderRefundWeb = fixed(
	node("begin", "Begin", "node_greet", "Greeting", "normal"),
	ag("Hi Jordan, welcome back to Northwind. What can I do for you?"),
	us("I want a refund for order B-7734. The blender arrived cracked and honestly I'm pretty annoyed."),
	node("node_greet", "Greeting", "node_refund", "Refund Request", "normal"),
	tool("create_refund", `{"order_id":"B-7734","reason":"damaged","amount_cents":4250}`,
		`{"error":"refund window closed","code":"REFUND_WINDOW"}`, okFalse),
	ag("I'm sorry, Jordan. Our system says the 30-day refund window for that order has closed."),
	barge(us("That's ridiculous, it arrived broken! I want to talk to a human.")),
	node("node_refund", "Refund Request", "node_escalate", "Escalate to Human", "global"),
	ag("I understand. I've flagged this for a supervisor, who will email you within one business day."),
	us("Fine. Whatever."),
	node("node_escalate", "Escalate to Human", "node_wrap", "Wrap Up", "normal"),
	ag("Again, I'm sorry for the trouble. Goodbye."),
)

// orderPhoneSMS exercises every non-speech item kind on one call: dtmf, sms
// with and without media summaries, injected context and every
// transition_type including the undocumented "auto".
var orderPhoneSMS = fixed(
	node("begin", "Begin", "node_greet", "Greeting", "normal"),
	ag("Thanks for calling Northwind orders. Please enter or say your five digit order number."),
	dtmf("4"), dtmf("8"), dtmf("1"), dtmf("5"), dtmf("0"),
	dtmf("#"),
	node("node_greet", "Greeting", "node_lookup", "Lookup Order", "auto"),
	tool("get_order_status", `{"order_id":"48150"}`, `{"status":"delivered","delivered_at":"2026-05-30T16:02:00Z"}`, okTrue),
	ag("Order 48150 shows as delivered on Saturday. Is something wrong with it?"),
	us("Yeah, the box was crushed. I just texted you photos."),
	sms("here are the pics", o("url", "https://media.example.com/mms/img_0412.jpg", "summary", "Photo of a crushed cardboard box on a porch"),
		o("url", "https://media.example.com/mms/img_0413.jpg")),
	injected("Customer is a Northwind Plus member since 2023; waive return shipping."),
	node("node_lookup", "Lookup Order", "node_damage", "Damage Claim", "normal"),
	ag("Thanks, I can see both photos. Since you're a Plus member, return shipping is free. I'll send a prepaid label."),
	us("Wait, can I just get a replacement instead?"),
	node("node_damage", "Damage Claim", "node_lookup", "Lookup Order", "interrupt_go_back"),
	ag("Sure, let me check stock."),
	tool("check_stock", `{"sku":"NW-BL-200"}`, `{"in_stock":12}`, okTrue),
	node("node_lookup", "Lookup Order", "node_damage", "Damage Claim", "global_go_back"),
	ag("It's in stock. A replacement ships tomorrow, and the label for the damaged one is on its way by text."),
	sms("ok thx"),
	us("Great, thanks."),
	node("node_damage", "Damage Claim", "node_wrap", "Wrap Up", "normal"),
	ag("You're welcome. Have a nice evening!"),
)

var orderQuickWeb = fixed(
	node("begin", "Begin", "node_greet", "Greeting", "normal"),
	ag("Hi! How can I help with your order today?"),
	us("Can I change the delivery address for order C-1180?"),
	node("node_greet", "Greeting", "node_address", "Change Address", "normal"),
	ag("Yes, as long as it hasn't shipped. What's the new address?"),
	us("221 Baker Street, apartment 2B, Springfield."),
	tool("update_address", `{"order_id":"C-1180","address":"221 Baker Street, Apt 2B, Springfield"}`, `{"updated":true}`, okTrue),
	ag("Done, the new address is saved."),
	us("Thanks!"),
)

// orderScrubbedWeb carries PII that everything_except_pii scrubs.
var orderScrubbedWeb = fixed(
	node("begin", "Begin", "node_greet", "Greeting", "normal"),
	ag("Hi, welcome to Northwind. Can I have your name and email to find your order?"),
	us("Sure, it's Elena Petrova, elena.petrova@example.com."),
	tool("find_customer", `{"email":"elena.petrova@example.com"}`, `{"customer_id":"cu_7781","name":"Elena Petrova"}`, okTrue),
	ag("Thanks Elena. I see order D-5520. For security, what's the last four of the card you used?"),
	us("4242."),
	ag("Perfect. Your order D-5520 ships to 17 Willow Lane tomorrow."),
	us("Great, thank you."),
)

// csvInjection is full of text that breaks naive CSV/spreadsheet exports:
// leading = + - @, quotes, commas, newlines, CRLF, tabs and HTML-ish markup.
var csvInjection = fixed(
	ag("Thanks for calling Northwind support, this is Robin. How can I help?"),
	us(`=HYPERLINK("http://evil.example","click") is literally what the text message said, with the quotes.`),
	ag(`I'm sorry about that. We never send links like "click here" by text; please don't open it.`),
	us("+1 555 0100, that's the number it came from, if you need it."),
	ag("Noted: +1 555 0100. I'll flag it, along with the time, date, and message ID."),
	us("-5 degrees here today, by the way, so the outdoor unit, the one on the wall, stopped blinking."),
	us(`@support on Twitter told me to call, they said "just ask for a ticket".`),
	ag("Ticket opened:\n#48213, priority high,\nand you'll get an email."),
	us(`=cmd|' /C calc'!A0 was in the second message, "weird", right?`),
	ag("Very weird. Please forward both messages to spam@northwind.example and delete them."),
	us("Model number is\tRX-200\tand the serial is 7731-A."),
	us("Address for the technician: 12 Elm Road\r\nUnit 4, Springfield"),
	ag(`Got it. <b>Important</b>: R&amp;D says firmware 2.1 &lt;fixes&gt; this & more; the "tech" will bring it.`),
	us("\"Thanks\", I guess."),
)

// unicodeMix covers scripts and code points exporters mangle: RTL (Arabic,
// Hebrew) with direction marks, CJK, full-width forms, emoji with skin
// tones, ZWJ families and flags, zero-width spaces, a BOM, combining marks.
var unicodeMix = fixed(
	ag("Welcome to the Harbor Hotel! 👋 How can I help you today?"),
	us("مرحبا، أريد حجز غرفة لليلتين من فضلك"),
	ag("بالتأكيد! Certainly — for which dates would you like the room?"),
	us("שלום, אני צריך חדר לשני מבוגרים ושני ילדים"),
	us("我想预订一个房间。离東京駅近吗？"),
	ag("Yes 🇯🇵 we're five minutes from 東京駅. A family room for four? 👨‍👩‍👧‍👦"),
	us("Yes! 👍🏽🎉 My name is Zoë Ångström\u200b-Łukasiewicz."),
	us("Room\u200f 101\u200e if possible, and \ufeffa crib."),
	ag("Booked ✅ — confirmation ＡＢＣ１２３. Cafe\u0301 opens at 7. 🇺🇸🇧🇷🏳️‍🌈 all welcome!"),
	us("ありがとう！ 감사합니다! Спасибо!"),
)

var supportTransferPhone = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("I was charged twice for my March invoice and I need it fixed today."),
	ag("I'm sorry about that. Billing disputes are handled by our billing team; let me connect you."),
	tool("transfer_call", `{"destination":"+14155550123","reason":"billing_dispute"}`, `{"status":"transferring"}`, okTrue),
	tt("Billing, this is Chris."),
	ag("Hi Chris, I have a customer who was double charged on the March invoice, account 55-190."),
	tt("Thanks, I'll take it from here."),
)

var supportTransferSIP = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("My router keeps rebooting every few minutes and I've already tried everything on the website."),
	ag("That sounds frustrating. I'll connect you to a tier two technician who can look at it remotely."),
	tool("transfer_call", `{"destination":"sip:tier2@pbx.example.com;transport=tls"}`, `{"status":"transferring"}`, okTrue),
	tt("Tier two, Sam speaking."),
	ag("Hi Sam, the caller's router reboots every few minutes; basic troubleshooting is done."),
)

var supportTransferBridged = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("I need to talk to someone about closing my account."),
	ag("I can connect you with our retention team."),
	tool("transfer_call", `{"destination":"+13125550199","warm":true}`, `{"status":"bridged"}`, okTrue),
	tt("Retention, this is Lee."),
)

var supportTransferCancelled = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("Can I speak to a manager?"),
	ag("Let me try to reach a manager for you."),
	tool("transfer_call", `{"destination":"+13125550177"}`, `{"status":"cancelled","detail":"no answer"}`, okFalse),
	ag("I'm sorry, no manager is available right now. Can I help instead?"),
	us("No. Forget it."),
)

// inactivity has two consecutive agent turns: nobody answers the first.
var supportInactivity = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	wordless(us("...")),
	after(9, ag("Hello? Are you still there?")),
	after(10, ag("I'm not hearing anything, so I'll end the call now. Please call back anytime.")),
)

var supportShort = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("Hi, what's the status of ticket 99120?"),
	tool("get_ticket", `{"ticket_id":"99120"}`, `{"status":"waiting_on_parts"}`, okAbsent),
	ag("Ticket 99120 is waiting on a replacement part; we expect it Thursday."),
	us("Okay, and can someone call me when it arrives?"),
	ag("Of course, I've added a callback request to the ticket."),
)

var supportLostConnection = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("Hi, I'm calling about my internet, it's been down since this morning and"),
)

var supportTakeOver = fixed(
	ag("Inbound Support Desk, this is Ava. How can I help?"),
	us("I'd like to dispute a charge of three hundred dollars."),
	ag("I can help with that. Can you tell me the date of the charge?"),
	us("May twenty-ninth."),
)

var salesInterested = fixed(
	ag("Hi, is this Taylor? This is Jamie from SunPeak Solar, following up on the quote you requested."),
	us("Oh, yes, hi. I did fill something out."),
	ag("Great! Do you own your home, and roughly what's your monthly electric bill?"),
	us("We own it, and the bill is about a hundred and forty dollars, more in summer."),
	ag("That's a good fit for solar. What kind of roof do you have?"),
	us("Asphalt shingles, maybe ten years old."),
	tool("qualify_lead", `{"owner":true,"monthly_bill_usd":142.75,"roof":"asphalt_shingle","roof_age_years":10}`,
		`{"score":8,"tier":"A"}`, okTrue),
	ag("You qualify for a free site survey. Would Saturday morning work?"),
	us("Saturday at ten works."),
	tool("book_survey", `{"slot":"2026-06-06T10:00","lead_id":"ld_20931"}`, `{"booked":true}`, okTrue),
	ag("You're booked for Saturday at ten. Thanks, Taylor!"),
)

var salesNotInterested = fixed(
	ag("Hi, is this Morgan? This is Jamie from SunPeak Solar."),
	us("Not interested. Take me off your list."),
	ag("Understood, I'll remove your number right away."),
	tool("add_to_dnc", `{"phone":"+13055550171"}`, `{"added":true}`, okTrue),
)

// salesBargeIn has the user talking over a long agent turn, a turn whose
// words array is empty, and a zero-length word.
var salesBargeIn = fixed(
	ag("Hi, this is Jamie from SunPeak Solar. I'm calling because homeowners in your area can now get panels installed with no upfront cost and start saving on their very first bill, and I wanted to see"),
	barge(us("Sorry, sorry, who is this again?")),
	ag("Jamie, from SunPeak Solar."),
	zeroAt(1, us("Uh, okay. Look, I'm driving right now.")),
	wordless(ag("No problem.")),
	ag("When would be a better time to call back?"),
	us("Try tomorrow after five."),
	tool("schedule_callback", `{"when":"2026-06-03T17:00:00-07:00"}`, `{"scheduled":true}`, okTrue),
	ag("Will do. Drive safe!"),
)

var salesBasic = fixed(
	ag("Hi, this is Jamie from SunPeak Solar following up on your solar quote."),
	us("Yes, I had a couple of questions about financing."),
	ag("Sure. We offer a twenty year loan at 5.9 percent or a lease with no upfront cost."),
	us("I'll think about it and call you back."),
	ag("Sounds good, thanks for your time!"),
)

var salesNullStorage = fixed(
	ag("Hi, this is Jamie from SunPeak Solar. Am I speaking with Casey?"),
	us("Yes, speaking."),
	ag("You asked for a callback about battery storage. Still interested?"),
	us("Yes, very. The outages here are getting worse."),
	tool("qualify_lead", `{"owner":true,"interest":"battery"}`, `{"score":7}`, okTrue),
	ag("I'll have a storage specialist email you a quote today. Thanks, Casey!"),
)

var conciergeMultilingual = fixed(
	ag("Welcome to the Harbor Hotel! How may I help you?"),
	us("Hola, ¿tienen habitaciones disponibles para este fin de semana?"),
	ag("¡Claro que sí! Tenemos una habitación doble con vista al mar por 189 dólares la noche."),
	us("Perfecto. ¿El desayuno está incluido?"),
	ag("Sí, el desayuno está incluido. ¿Desea reservarla?"),
	us("Sí, por favor. Gracias."),
	tool("create_booking", `{"room":"double_sea_view","nights":2,"guests":2}`, `{"confirmation":"HH-77120"}`, okTrue),
	ag("Listo, su número de confirmación es HH-77120. ¡Buen viaje!"),
)

// conciergeThought has an item with a role nobody documented, extra keys on
// it, an invocation with "type": "function" and a Gemini thought_signature.
var conciergeThought = fixed(
	ag("Harbor Hotel concierge, how can I help?"),
	us("Can you book me a table for two at the rooftop restaurant tonight at eight?"),
	rawItem(o("role", "agent_thought", "content", "User wants rooftop dinner 20:00 for 2; check availability first.",
		"time_sec", 6.412, "model", "gpt-4o-realtime", "visibility", "internal", "tokens", 23)),
	step{kind: kTool, tool: "book_restaurant", args: `{"venue":"rooftop","party_size":2,"time":"20:00"}`,
		result: `{"confirmed":false,"alternatives":["19:30","21:00"]}`, ok: okTrue, fnType: true,
		thought: "CiQB0mV0ZWxsLXNhbXBsZS10aG91Z2h0LXNpZ25hdHVyZQ=="},
	ag("Eight is taken, but I can do seven thirty or nine. Which do you prefer?"),
	us("Seven thirty."),
	step{kind: kTool, tool: "book_restaurant", args: `{"venue":"rooftop","party_size":2,"time":"19:30"}`,
		result: `{"confirmed":true,"table":14}`, ok: okTrue, fnType: true},
	ag("Done! Table 14 at seven thirty. Enjoy your evening."),
)

var conciergeUndocumented = fixed(
	ag("Harbor Hotel, front desk assistant speaking."),
	us("Hi, I'm in room 512 and I need two extra towels and a late checkout tomorrow."),
	tool("request_housekeeping", `{"room":"512","items":["towel","towel"]}`, `{"ticket":"HK-2231"}`, okTrue),
	tool("set_late_checkout", `{"room":"512","time":"13:00"}`, `{"approved":true}`, okTrue),
	ag("Towels are on their way, and your checkout is extended to 1 PM."),
	us("Amazing, thank you."),
)

var conciergeQuantum = fixed(
	ag("Harbor Hotel concierge, how can I help?"),
	us("Hi, I'd like to know if the spa is open on"),
)

var legacyUnitPrice = fixed(
	ag("Support desk, how can I help?"),
	us("Hi, I just wanted to confirm that my replacement card was mailed."),
	ag("Yes, it was mailed on Monday and should arrive within five business days."),
	us("Thank you."),
)

var unknownStatus = fixed(
	ag("Hi, this is Jamie from SunPeak Solar. Is this a good time?"),
	us("Sure, go ahead."),
)

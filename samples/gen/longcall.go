package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// longSupportCall is a marathon home-internet troubleshooting call assembled
// from phrase lists. It produces far more turns than fit in the call; the
// scenario's maxSec cuts it off mid-sentence, as max_duration_reached does.
// Three holds add long silences, as real diagnostics do.
func longSupportCall(r *rand.Rand) []step {
	steps := []step{
		ag("Inbound Support Desk, this is Ava. How can I help?"),
		us("Hi Ava. My internet has been dropping out all week, sometimes every ten minutes, and I work from home so this is a real problem."),
		ag("I'm sorry to hear that, let's get to the bottom of it. Can I have the account number or the phone number on the account?"),
		us("It's 312 555 0148."),
		tool("lookup_account", `{"phone":"+13125550148"}`, `{"account_id":"acc_66120","plan":"Fiber 500","modem":"RX-200"}`, okTrue),
	}
	for i := 0; i < 900; i++ {
		if i > 0 && i%37 == 0 {
			name := diagTools[(i/37)%len(diagTools)]
			ok := okTrue
			if i%(37*4) == 0 {
				ok = okFalse
			}
			steps = append(steps,
				ag("Let me run a quick test on the line, this takes a moment."),
				tool(name, fmt.Sprintf(`{"account_id":"acc_66120","attempt":%d}`, i/37), diagResult(r, ok), ok))
		}
		if i == 60 || i == 250 || i == 480 {
			steps = append(steps,
				ag("I'm going to place you on a brief hold while I check with the network team. Please stay on the line."),
				us("Okay, sure."),
				after(float64(180+r.IntN(150)), ag("Thank you for holding, I'm back.")))
		}
		steps = append(steps, ag(sentences(r, agentLines, 1+r.IntN(3))), us(sentences(r, userLines, 1+r.IntN(2))))
		if i%23 == 11 {
			// The caller keeps talking after a pause: two user turns in a row.
			steps = append(steps, us(fill(r, pickOne(r, userAsides))))
		}
	}
	return steps
}

var diagTools = []string{"run_line_test", "check_outage_map", "reset_port", "read_modem_logs"}

func diagResult(r *rand.Rand, ok okFlag) string {
	if ok == okFalse {
		return `{"error":"device did not respond","retry_after_s":30}`
	}
	return fmt.Sprintf(`{"snr_db":%d.%d,"packet_loss_pct":%d.%d,"uptime_s":%d}`,
		28+r.IntN(12), r.IntN(10), r.IntN(4), r.IntN(10), 200+r.IntN(5000))
}

func sentences(r *rand.Rand, list []string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fill(r, pickOne(r, list))
	}
	return strings.Join(parts, " ")
}

func pickOne(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// fill replaces {slot} markers with a random choice for that slot.
func fill(r *rand.Rand, s string) string {
	for _, sl := range slotOrder() {
		marker := "{" + sl.name + "}"
		for strings.Contains(s, marker) {
			s = strings.Replace(s, marker, pickOne(r, sl.values), 1)
		}
	}
	return s
}

type slot struct {
	name   string
	values []string
}

// slotOrder is a slice, not a map, so filling is deterministic.
func slotOrder() []slot {
	return []slot{
		{"light", []string{"power", "internet", "WAN", "Wi-Fi", "LOS", "status"}},
		{"color", []string{"green", "amber", "red", "blinking white", "solid blue", "off"}},
		{"minutes", []string{"two", "five", "ten", "fifteen", "twenty", "thirty"}},
		{"device", []string{"laptop", "work laptop", "phone", "smart TV", "desktop", "tablet", "mesh extender"}},
		{"room", []string{"kitchen", "office", "living room", "basement", "upstairs bedroom", "garage"}},
		{"time", []string{"this morning", "around noon", "last night", "yesterday afternoon", "about an hour ago"}},
		{"number", []string{"three", "four", "six", "eight", "twelve"}},
	}
}

var agentLines = []string{
	"Can you tell me what color the {light} light on the modem is right now?",
	"Okay, and is the {light} light {color} or is it flashing?",
	"Thanks, that's helpful.",
	"I see {number} disconnects on our side since {time}.",
	"Could you unplug the modem for about thirty seconds and then plug it back in?",
	"While that restarts, is the {device} connected by cable or over Wi-Fi?",
	"How far is the router from the {room}?",
	"Let's try moving the router a little higher, away from the microwave if possible.",
	"The signal levels look normal from here, which points to something inside the home.",
	"Do you notice the drops more on the {device} than on other devices?",
	"I'm going to push a configuration refresh to the modem now.",
	"Please don't unplug anything for the next {minutes} minutes.",
	"When it drops, does the {light} light change color?",
	"Understood, I'm adding that to the ticket.",
	"That makes sense, thank you for your patience.",
	"Can you open a browser on the {device} and go to speedtest dot example dot com?",
	"What download number does it show?",
	"That's lower than the plan speed, so let's keep digging.",
	"Is the coax cable behind the modem hand-tight?",
	"Some splitters cause exactly this pattern of drops.",
	"I'd like to check the logs from the last {minutes} minutes.",
	"I can see the modem re-registering at the times you mentioned.",
	"Let me note the exact times so the technician has them.",
	"Have any new devices been added to the network recently?",
	"Could you switch the {device} to the 5 gigahertz network for a moment?",
}

var userLines = []string{
	"It's {color} right now.",
	"The {light} light is {color}, I think.",
	"Okay, give me a second, I'm walking to the {room}.",
	"Sure, unplugging it now.",
	"It's mostly the {device}, but the {device} drops too.",
	"It happened again {time}, right in the middle of a meeting.",
	"About {minutes} minutes ago it dropped for a minute or so.",
	"The router is in the {room}, the desk is in the {room}.",
	"I didn't change anything, it just started this week.",
	"Okay, it's back up, the {light} light is {color} now.",
	"The speed test says something like ninety down.",
	"Yes, it's tight, I just checked.",
	"There's a splitter behind the TV, yes.",
	"My partner's {device} is on the same network.",
	"Alright, done.",
	"Honestly I've done all of this before with another agent.",
	"Hmm, now it says three hundred and twenty.",
	"It's flashing, it was {color} a second ago.",
	"No new devices, except maybe the kids' {device}.",
	"Okay. What does that mean?",
	"I can hear the fan in the modem, if that matters.",
	"Sure, I'll wait.",
}

var userAsides = []string{
	"Sorry, the dog is barking.",
	"Oh, and it also dropped {time}.",
	"Wait, it just went out again.",
	"Actually, it's a bit better now.",
	"Hold on, someone's at the door. Okay, I'm back.",
}

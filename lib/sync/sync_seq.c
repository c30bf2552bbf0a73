/* SPDX-License-Identifier: BSD-3-Clause */
#include "sync_seq.h"

/*
 * Begin run @p epoch at message @p seq. Bit i of the window stands for number seq - i:
 * those below 1 do not exist (marked seen). Those from 1 to seq - 1 never came: missing
 * in a run that began while we listened (@p heard: the peer restarted), not so at first
 * contact, when what came before is what our bulk update brings.
 */
static void
begin(struct sync_seq *s, uint32_t epoch, uint32_t seq, bool heard, uint32_t *gap)
{
	s->known = true;
	s->epoch = epoch;
	s->top = seq;
	if (!heard) {
		s->seen = ~0ull;
		*gap = 0;
		return;
	}
	s->seen = seq >= SYNC_SEQ_WINDOW ? 1 : (~0ull << seq) | 1;
	*gap = seq - 1;
	s->lost += *gap;
}

enum sync_seq_verdict
sync_seq_check(struct sync_seq *s, uint32_t epoch, uint32_t seq, uint32_t *gap)
{
	uint32_t back;

	*gap = 0;
	if (seq == 0) {
		s->replays++;
		return SYNC_SEQ_REPLAY;
	}
	if (!s->known || epoch > s->epoch) {
		bool restarted = s->known;

		s->restarts += restarted;
		begin(s, epoch, seq, restarted, gap);
		return restarted ? SYNC_SEQ_RESTARTED : SYNC_SEQ_NEW;
	}
	if (epoch < s->epoch) {
		s->replays++;
		return SYNC_SEQ_REPLAY;
	}
	if (seq > s->top) {
		uint32_t ahead = seq - s->top;

		*gap = ahead - 1;
		s->lost += *gap;
		s->seen = ahead >= SYNC_SEQ_WINDOW ? 1 : s->seen << ahead | 1;
		s->top = seq;
		return SYNC_SEQ_NEW;
	}
	back = s->top - seq;
	if (back >= SYNC_SEQ_WINDOW || (s->seen >> back & 1)) {
		s->replays++;
		return SYNC_SEQ_REPLAY;
	}
	s->seen |= 1ull << back;
	s->late++;
	return SYNC_SEQ_NEW;
}

uint32_t
sync_seq_missing(const struct sync_seq *s, uint32_t *last)
{
	uint32_t first = 0;

	*last = 0;
	if (!s->known)
		return 0;
	for (int back = SYNC_SEQ_WINDOW - 1; back > 0; back--) {
		if (s->seen >> back & 1 || (uint32_t)back >= s->top)
			continue;
		if (first == 0)
			first = s->top - (uint32_t)back;
		*last = s->top - (uint32_t)back;
	}
	return first;
}

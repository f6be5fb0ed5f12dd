-- +goose Up
-- Huvudman follow-up rounds: the administrator asks each school, for every open notice, whether
-- the absence continues and whether the case can be closed; the school answers; the administrator
-- confirms closures at huvudman level. Confirming never closes the case itself: that is the
-- school's own step in the workflow.
CREATE TABLE followup_rounds (
    id          bigserial PRIMARY KEY,
    huvudman_id bigint NOT NULL REFERENCES huvudman(id),
    name        text NOT NULL COLLATE sv_se CHECK (length(trim(name)) BETWEEN 1 AND 100),
    due_on      date NOT NULL,
    created_by  bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (huvudman_id, name)
);

-- One question per notice, fixed when the round starts. category keeps notices from independent
-- schools and notices to home municipalities apart from the huvudman's own.
CREATE TABLE followup_round_items (
    round_id          bigint NOT NULL REFERENCES followup_rounds(id) ON DELETE CASCADE,
    notice_id         bigint NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    case_id           bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    school_id         bigint NOT NULL REFERENCES schools(id),
    category          text NOT NULL CHECK (category IN ('municipal', 'independent', 'home_municipality')),
    absence_continues boolean,
    can_close         boolean,
    comment           text NOT NULL DEFAULT '' CHECK (length(comment) <= 300),
    answered_by       bigint REFERENCES users(id),
    answered_at       timestamptz,
    confirmed_by      bigint REFERENCES users(id),
    confirmed_at      timestamptz,
    PRIMARY KEY (round_id, notice_id),
    CHECK ((answered_at IS NULL) = (answered_by IS NULL)),
    CHECK (answered_at IS NOT NULL OR (absence_continues IS NULL AND can_close IS NULL)),
    CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL)),
    -- Only a closure the school proposed can be confirmed.
    CONSTRAINT round_item_confirm_needs_can_close CHECK (confirmed_at IS NULL OR can_close)
);
CREATE INDEX followup_round_items_school_idx ON followup_round_items(school_id, round_id);
CREATE INDEX followup_round_items_notice_idx ON followup_round_items(notice_id) WHERE confirmed_at IS NOT NULL;

-- +goose Down
DROP TABLE followup_round_items;
DROP TABLE followup_rounds;

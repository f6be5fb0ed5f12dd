-- +goose Up
-- Storage for the hot paths measured in docs/benchmarks.md.
--
-- "The latest follow-up of a case" (the next follow-up date on the start page, in case lists and
-- in the follow-up due task; the period of a new follow-up) reads one entry of this index
-- instead of sorting the case's follow-ups, and takes the next date from the index itself.
-- It serves every use of followups_case_idx (case_id, held_on) as well, which it replaces.
CREATE INDEX followups_case_latest_idx ON followups (case_id, held_on DESC, id DESC) INCLUDE (next_date);
DROP INDEX followups_case_idx;

-- Every workflow step bumps the case's version. With room left on the page the new row
-- version stays there and no index changes (a HOT update); on full pages each step added an
-- entry to all five indexes of cases, and the start page's lists walked the dead ones.
ALTER TABLE cases SET (fillfactor = 85);

-- +goose Down
ALTER TABLE cases RESET (fillfactor);
CREATE INDEX followups_case_idx ON followups (case_id, held_on);
DROP INDEX followups_case_latest_idx;

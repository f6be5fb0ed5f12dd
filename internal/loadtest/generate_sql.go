package loadtest

// The generation SQL. Randomness comes from pg_temp.r(key, salt), a hash of the row's key, so
// the same scale and date always give the same records, and rows can be computed independently
// (no random() state shared between rows). Ids are explicit so that related rows can be derived
// from one another by arithmetic instead of lookups: user s*1000+1 is the rektor of school s,
// s*1000+2..4 its EHT members, s*1000+10+c the mentor of class c; case k belongs to g_cases.k.

const sessionSQL = `
SET synchronous_commit = off;
SET jit = off; -- compiling costs seconds and saves nothing on these simple expressions
SET work_mem = '256MB';
SET maintenance_work_mem = '256MB';
CREATE FUNCTION pg_temp.r(k bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT ((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$;
CREATE FUNCTION pg_temp.pick(a text[], k bigint, salt bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT a[1 + floor(pg_temp.r(k, salt) * cardinality(a))::int] $$;
CREATE FUNCTION pg_temp.ago(days float8) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT {{now}}::timestamptz - days * interval '1 day' $$;
CREATE FUNCTION pg_temp.d(days float8) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT (pg_temp.ago(days) AT TIME ZONE 'Europe/Stockholm')::date $$;
-- Absence profile: 85 % ordinary, 12 % worrying, 3 % extensive.
CREATE FUNCTION pg_temp.prof(id bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN pg_temp.r(id, 1) < 0.03 THEN 3 WHEN pg_temp.r(id, 1) < 0.15 THEN 2 ELSE 1 END $$;
CREATE FUNCTION pg_temp.txt(k bigint, n int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT string_agg(pg_temp.pick(ARRAY[
		'Eleven har haft återkommande frånvaro under flera veckor, främst måndagar och fredagar.',
		'Vårdnadshavarna beskriver att morgnarna är svåra och att eleven ofta har ont i magen.',
		'Mentor har haft kontakt med hemmet per telefon och i ett möte på skolan.',
		'Eleven berättar att det är stökigt i klassrummet och att grupparbeten känns jobbiga.',
		'Elevhälsan har träffat eleven och gjort en första kartläggning av skolsituationen.',
		'Eleven vill ha en vuxen att gå till på rasterna och ett lugnare arbetsrum.',
		'Frånvaron ökade efter höstlovet och har sedan legat kvar på en hög nivå.',
		'Skolsköterskan har samtalat med eleven om sömn, mat och fysisk aktivitet.',
		'Specialpedagogen bedömer att eleven behöver anpassningar i matematik och svenska.',
		'Eleven har en god relation till sin mentor och till idrottsläraren.',
		'Familjen har nyligen flyttat och eleven har fått en längre skolväg.',
		'Eleven säger själv att det viktigaste är att få komma i tid och börja dagen lugnt.',
		'Kuratorn har erbjudit stödsamtal varannan vecka under terminen.',
		'Närvaron har förbättrats sedan schemat anpassades och eleven fick en fast plats.'
	], k * 64 + i, 99), ' ') FROM generate_series(1, n) i $$;
CREATE FUNCTION pg_temp.luhn(d text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT (10 - sum(CASE WHEN i % 2 = 1 THEN (x * 2) / 10 + (x * 2) % 10 ELSE x END)::int % 10) % 10
		FROM (SELECT i, substr(d, i, 1)::int AS x FROM generate_series(1, 9) i) t $$;
`

const firstNames = `ARRAY['Alva','Elsa','Maja','Astrid','Wilma','Freja','Alice','Ella','Selma','Vera','Olivia','Ebba','Signe',
	'Agnes','Saga','Hugo','William','Noah','Oscar','Liam','Lucas','Elias','Adam','Alexander','Nils','Ludvig','Axel',
	'Vincent','Theo','Leo','Łukasz','Amira','Mohammed','Zeynep','Aziz','Linnéa','Sofía','Jönne']`

const lastNames = `ARRAY['Andersson','Johansson','Karlsson','Nilsson','Eriksson','Larsson','Olsson','Persson','Svensson',
	'Gustafsson','Pettersson','Jonsson','Jansson','Hansson','Bengtsson','Jönsson','Lindberg','Jakobsson','Magnusson',
	'Lindström','Öberg','Åberg','Ali','Nguyễn','Kowalski','Hassan','Lindqvist','Berglund','Engström','Mäkinen']`

const schoolNames = `ARRAY['Björkskolan','Ekskolan','Granskolan','Lindskolan','Almskolan','Askskolan','Lönnskolan',
	'Tallskolan','Rönnskolan','Hasselskolan','Aspskolan','Videskolan','Idegransskolan','Enskolan','Lärkskolan','Sjöskolan',
	'Ängsskolan','Bergskolan','Dalskolan','Åsskolan','Vikskolan','Strandskolan','Kyrkskolan','Solskolan','Norrskolan']`

const domains = `ARRAY['safe','healthy','achieving','nurtured','active','respected','responsible','included']`

var orgSteps = []genStep{
	{"huvudman, schools", "schools", `
INSERT INTO huvudman (id, name, org_number, kind, municipality_code, case_number_prefix, created_at)
VALUES (1, 'Benchkommun barn- och utbildningsnämnden', '212000-1980', 'municipal', '1980', 'BUN', pg_temp.ago(400));
INSERT INTO schools (id, huvudman_id, name, school_unit_code, municipality_code, created_at)
SELECT s, 1, (` + schoolNames + `)[1 + (s - 1) % 25] || CASE WHEN s > 25 THEN ' ' || (1 + (s - 1) / 25) ELSE '' END,
	(90000000 + s)::text, '1980', pg_temp.ago(400)
FROM generate_series(1, {{schools}}) s;`},

	{"users of every role, API tokens", "users", `
INSERT INTO users (id, username, display_name, title, email, role, huvudman_id, password_hash, created_at)
SELECT a, 'admin' || a, pg_temp.pick(` + firstNames + `, a, 21) || ' ' || pg_temp.pick(` + lastNames + `, a, 22),
	'Utvecklingsstrateg', 'admin' || a || '@bench.example', 'admin', 1, {{hash}}, pg_temp.ago(400)
FROM generate_series(1, 3) a;
INSERT INTO users (id, username, display_name, title, email, role, password_hash, created_at)
SELECT id, username, pg_temp.pick(` + firstNames + `, id, 21) || ' ' || pg_temp.pick(` + lastNames + `, id, 22), title,
	username || '@bench.example', role, {{hash}}, pg_temp.ago(400)
FROM (
	SELECT s * 1000 + 1 AS id, 'rektor.s' || lpad(s::text, 2, '0') AS username, 'Rektor' AS title, 'rektor' AS role
	FROM generate_series(1, {{schools}}) s
	UNION ALL
	SELECT s * 1000 + 1 + j, 'eht' || j || '.s' || lpad(s::text, 2, '0'), (ARRAY['Kurator', 'Skolsköterska', 'Specialpedagog'])[j], 'eht'
	FROM generate_series(1, {{schools}}) s, generate_series(1, 3) j
	UNION ALL
	SELECT s * 1000 + 10 + c, 'mentor' || lpad(c::text, 2, '0') || '.s' || lpad(s::text, 2, '0'), 'Mentor', 'mentor'
	FROM generate_series(1, {{schools}}) s, generate_series(0, {{classes}} - 1) c
) u;
INSERT INTO user_schools (user_id, school_id) SELECT id, id / 1000 FROM users WHERE role <> 'admin';
INSERT INTO api_tokens (id, user_id, name, token_hash, created_by, created_at)
SELECT row_number() OVER (ORDER BY id), id, 'belastningstest', sha256(convert_to({{token_prefix}} || id, 'UTF8')), 1, pg_temp.ago(30)
FROM users WHERE role IN ('eht', 'rektor', 'admin');`},

	{"students, guardians", "students", `
INSERT INTO students (id, school_id, personnummer, first_name, last_name, protected_identity, home_municipality_code,
	school_form, grade, class_name, mentor_id, created_at)
SELECT i, sch, to_char(born, 'YYYYMMDD') || '-' || serial || pg_temp.luhn(to_char(born, 'YYMMDD') || serial),
	pg_temp.pick(` + firstNames + `, i, 2), pg_temp.pick(` + lastNames + `, i, 3), pg_temp.r(i, 4) < 0.002,
	CASE WHEN pg_temp.r(i, 5) < 0.03 THEN '1984' ELSE '1980' END, CASE WHEN grade = 0 THEN 'fsk' ELSE 'gr' END, grade,
	grade || chr(65 + cls % 3), sch * 1000 + 10 + cls, pg_temp.ago(400)
FROM (
	SELECT i, 1 + (i - 1) % {{schools}} AS sch, ((i - 1) / {{schools}}) / 25 AS cls, lpad((i / 365)::text, 3, '0') AS serial
	FROM generate_series(1, {{students}}) i
) x
CROSS JOIN LATERAL (SELECT least(9, x.cls * 10 / {{classes}}) AS grade) g
CROSS JOIN LATERAL (SELECT make_date({{year}} - 7 - g.grade, 1, 1) + (x.i % 365) AS born) b;
INSERT INTO guardians (student_id, position, name, phone, email, address)
SELECT s.id, p, pg_temp.pick(` + firstNames + `, s.id * 2 + p, 31) || ' ' || s.last_name,
	'070-' || lpad(((s.id * 7919 + p) % 1000000)::text, 6, '0'), 'vh' || p || '.' || s.id || '@example.se',
	pg_temp.pick(ARRAY['Storgatan', 'Skolvägen', 'Björkvägen', 'Kyrkogatan', 'Ängsvägen'], s.id, 33) || ' ' || (1 + s.id % 60)
FROM students s, generate_series(1, 2) p
WHERE p = 1 OR pg_temp.r(s.id, 32) < 0.85;`},
}

// attendanceSQL writes a school year of days per student, day by day as daily imports would
// leave them on disk (so a student's weeks are spread over many pages, as in production): the
// plan loops over the days outside and the students inside.
const attendanceSQL = `
INSERT INTO attendance_imports (id, huvudman_id, imported_by, file_name, file_sha256, layout, period_from, period_to, created_at)
VALUES (1, 1, 1, 'skola24-narvaro-lasar.csv', repeat('5a', 32), 'skola24-dag', {{first_day}}, {{last_day}}, pg_temp.ago(1));
INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes, import_id)
SELECT s.id, d.day, o.off, a.absent - a.inv, a.inv, 1
FROM unnest({{days}}) WITH ORDINALITY AS d(day, n)
CROSS JOIN students s
CROSS JOIN LATERAL (SELECT pg_temp.prof(s.id) AS prof,
	CASE WHEN s.grade <= 3 THEN 240 WHEN s.grade <= 6 THEN 300 ELSE 360 END AS off) o
CROSS JOIN LATERAL (SELECT pg_temp.r(s.id * 1024 + d.n, 6) AS x, pg_temp.r(s.id * 1024 + d.n, 7) AS y) h
CROSS JOIN LATERAL (SELECT
	CASE WHEN h.x < (ARRAY[0.03, 0.08, 0.22])[o.prof] THEN o.off
	     WHEN h.x < (ARRAY[0.09, 0.20, 0.42])[o.prof] THEN (o.off * (0.1 + 0.5 * h.y))::int
	     ELSE 0 END AS absent) a0
CROSS JOIN LATERAL (SELECT a0.absent,
	CASE WHEN h.y < (ARRAY[0.1, 0.3, 0.55])[o.prof] THEN a0.absent ELSE 0 END AS inv) a;
UPDATE attendance_imports SET rows_read = n, rows_imported = n FROM (SELECT count(*) AS n FROM attendance_days) c;`

var caseSteps = []genStep{
	{"cases in every status", "cases", `
CREATE TEMP TABLE g_cases AS
WITH picked AS (
	SELECT row_number() OVER (ORDER BY pg_temp.prof(s.id) DESC, pg_temp.r(s.id, 8)) AS k, s.id AS student_id, s.school_id
	FROM students s WHERE NOT s.protected_identity
), st AS (
	SELECT k, student_id, school_id,
		CASE WHEN b < 8 THEN 'reported' WHEN b < 14 THEN 'not_investigated' WHEN b < 29 THEN 'investigating'
		     WHEN b < 37 THEN 'planning' WHEN b < 42 THEN 'plan_submitted' WHEN b < 80 THEN 'active'
		     ELSE 'closed' END AS status,
		pg_temp.r(k, 11) AS u1, pg_temp.r(k, 12) AS u2, pg_temp.r(k, 13) AS u3
	FROM picked CROSS JOIN LATERAL (SELECT (k * 37) % 100 AS b) bucket -- 37 is prime to 100: every status early on
	WHERE k <= {{cases}}
), od AS (
	SELECT st.*, (CASE status WHEN 'reported' THEN floor(u1 * 7) WHEN 'not_investigated' THEN 20 + floor(u1 * 300)
		WHEN 'investigating' THEN 3 + floor(u1 * 25) WHEN 'planning' THEN 30 + floor(u1 * 40)
		WHEN 'plan_submitted' THEN 40 + floor(u1 * 60) WHEN 'active' THEN 60 + floor(u1 * 250)
		ELSE 120 + floor(u1 * 240) END)::int AS od,
		status = 'closed' AND u3 < 0.25 AS closed_early
	FROM st
)
SELECT k AS id, student_id, school_id, status, u1, u2, u3, od, closed_early,
	status <> 'reported' AS assessed,
	status NOT IN ('reported', 'not_investigated') AS started,
	status IN ('planning', 'plan_submitted', 'active') OR (status = 'closed' AND NOT closed_early) AS completed,
	status = 'active' OR (status = 'closed' AND NOT closed_early) AS approved,
	od - 2 AS inv_ago, od - 20 AS done_ago,
	CASE WHEN status = 'plan_submitted' THEN greatest(1, od - 25 - floor(u2 * 10)::int) ELSE od - 25 END AS sub_ago,
	od - 28 AS appr_ago,
	CASE WHEN status <> 'closed' THEN NULL WHEN closed_early THEN floor(u2 * (od - 12))::int
	     ELSE floor(u2 * (od - 56))::int END AS closed_ago,
	school_id * 1000 + 2 + (k % 3)::int AS eht_id,
	school_id * 1000 + 2 + ((k + 1) % 3)::int AS eht2_id,
	school_id * 1000 + 1 AS rektor_id
FROM od;
INSERT INTO cases (id, case_number, huvudman_id, school_id, student_id, status, description, concern_domains, first_contacts,
	opened_by, opened_at, assessment, assessment_reasons, assessed_by, assessed_at, investigation_started_at, investigation_due,
	investigation_completed_at, closure_reason, closure_note, closure_attendance_percent, closure_child_view, closed_by, closed_at,
	created_at, updated_at)
SELECT g.id, 'BUN ' || y.yr || '/' || lpad(row_number() OVER (PARTITION BY y.yr ORDER BY g.od DESC, g.id)::text, 4, '0'),
	1, g.school_id, g.student_id, g.status, pg_temp.txt(g.id, 3), dom.d, pg_temp.txt(g.id + 100000, 1),
	g.eht_id, pg_temp.ago(g.od + 0.1),
	CASE WHEN g.status = 'not_investigated' THEN 'not_needed' WHEN g.assessed THEN 'started' END,
	CASE WHEN g.assessed THEN pg_temp.txt(g.id + 200000, 2) ELSE '' END,
	CASE WHEN g.assessed THEN g.rektor_id END,
	CASE WHEN g.assessed THEN pg_temp.ago(g.inv_ago) END,
	CASE WHEN g.started THEN pg_temp.ago(g.inv_ago) END,
	CASE WHEN g.started THEN pg_temp.d(g.inv_ago) + 21 END,
	CASE WHEN g.completed THEN pg_temp.ago(g.done_ago) END,
	CASE WHEN g.status = 'closed' THEN CASE WHEN g.closed_early THEN 'moved' WHEN g.u3 < 0.85 THEN 'attendance_restored' ELSE 'other' END END,
	CASE WHEN g.status = 'closed' THEN pg_temp.txt(g.id + 300000, 1) ELSE '' END,
	CASE WHEN g.status = 'closed' AND NOT g.closed_early THEN 85 + round((g.u2 * 14)::numeric, 2) END,
	CASE WHEN g.status = 'closed' THEN pg_temp.txt(g.id + 400000, 1) ELSE '' END,
	CASE WHEN g.status = 'closed' THEN g.rektor_id END,
	CASE WHEN g.status = 'closed' THEN pg_temp.ago(g.closed_ago) END,
	pg_temp.ago(g.od + 0.1), pg_temp.ago(COALESCE(g.closed_ago, 0))
FROM g_cases g
CROSS JOIN LATERAL (SELECT extract(year FROM pg_temp.ago(g.od + 0.1) AT TIME ZONE 'Europe/Stockholm')::int AS yr) y
CROSS JOIN LATERAL (SELECT COALESCE(array_agg(w.k ORDER BY w.n) FILTER (WHERE pg_temp.r(g.id * 8 + w.n, 14) < 0.3), ARRAY['achieving']) AS d
	FROM unnest(` + domains + `) WITH ORDINALITY AS w(k, n)) dom;
INSERT INTO case_number_counters (huvudman_id, year, last_number)
SELECT 1, split_part(split_part(case_number, ' ', 2), '/', 1)::int, max(split_part(case_number, '/', 2)::int)
FROM cases GROUP BY 2;
INSERT INTO case_members (case_id, user_id)
SELECT id, eht_id FROM g_cases UNION SELECT id, eht2_id FROM g_cases WHERE started;`},

	{"signals", "signals", `
INSERT INTO signals (id, student_id, school_id, source, status, rules, explanation, figures, absence_percent, case_id, created_at, updated_at, version)
SELECT g.id, g.student_id, g.school_id, 'detection', 'case_opened', ARRAY['rolling_window'],
	p.pct || ' % frånvaro senaste 4 veckorna, varav ' || round(p.pct / 2) || ' procentenheter ogiltig',
	jsonb_build_object('absence_percent', p.pct, 'window_weeks', 4), p.pct, g.id, pg_temp.ago(g.od + 3), pg_temp.ago(g.od), 2
FROM g_cases g CROSS JOIN LATERAL (SELECT round((15 + pg_temp.r(g.id, 15) * 30)::numeric, 2) AS pct) p
WHERE pg_temp.r(g.id, 16) < 0.7;
UPDATE cases SET signal_id = id WHERE id IN (SELECT case_id FROM signals);
INSERT INTO signals (id, student_id, school_id, source, status, rules, explanation, figures, absence_percent,
	dismissed_by, dismissed_at, dismiss_reason, created_at, updated_at, version)
SELECT {{cases}} + x.rk, x.id, x.school_id, 'detection', CASE WHEN p.is_open THEN 'open' ELSE 'dismissed' END,
	ARRAY['rolling_window'] || CASE WHEN pg_temp.r(x.id, 17) < 0.3 THEN ARRAY['consecutive_days'] ELSE '{}' END,
	p.pct || ' % frånvaro senaste 4 veckorna, varav ' || round(p.pct / 3) || ' procentenheter ogiltig',
	jsonb_build_object('absence_percent', p.pct, 'window_weeks', 4), p.pct,
	CASE WHEN NOT p.is_open THEN x.school_id * 1000 + 2 END, CASE WHEN NOT p.is_open THEN pg_temp.ago(c.ago - 3) END,
	CASE WHEN NOT p.is_open THEN 'Frånvaron beror på en planerad operation; kontakt med hemmet finns.' ELSE '' END,
	pg_temp.ago(c.ago), pg_temp.ago(CASE WHEN p.is_open THEN c.ago ELSE c.ago - 3 END), CASE WHEN p.is_open THEN 1 ELSE 2 END
FROM (
	SELECT s.id, s.school_id, row_number() OVER (ORDER BY pg_temp.prof(s.id) DESC, pg_temp.r(s.id, 18)) AS rk
	FROM students s WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.student_id = s.id)
) x
CROSS JOIN LATERAL (SELECT x.rk <= {{open_signals}} AS is_open, round((12 + pg_temp.r(x.id, 19) * 25)::numeric, 2) AS pct) p
CROSS JOIN LATERAL (SELECT CASE WHEN p.is_open THEN floor(pg_temp.r(x.id, 20) * 20) ELSE 20 + floor(pg_temp.r(x.id, 20) * 180) END AS ago) c
WHERE x.rk <= {{open_signals}} + {{dismissed_signals}};`},

	{"investigations", "investigations", `
INSERT INTO investigations (case_id, absence_summary, earlier_measures, school_situation, social_situation, health_considered,
	student_view, guardian_view, triggering_factors, maintaining_factors, analysis, special_support_needed, special_support_note,
	collaboration_need, conclusion, consult_student, consult_student_on, consult_guardians, consult_guardians_on,
	consult_eht, consult_eht_on, secret_appendix, updated_by, updated_at, version)
SELECT g.id, pg_temp.txt(g.id * 20 + 1, 3), pg_temp.txt(g.id * 20 + 2, 2), pg_temp.txt(g.id * 20 + 3, 3), pg_temp.txt(g.id * 20 + 4, 2),
	true, pg_temp.txt(g.id * 20 + 5, 2), pg_temp.txt(g.id * 20 + 6, 2), pg_temp.txt(g.id * 20 + 7, 2), pg_temp.txt(g.id * 20 + 8, 2),
	pg_temp.txt(g.id * 20 + 9, 4), g.u2 < 0.3, CASE WHEN g.u2 < 0.3 THEN pg_temp.txt(g.id * 20 + 10, 1) ELSE '' END,
	pg_temp.txt(g.id * 20 + 11, 1), CASE WHEN g.completed THEN pg_temp.txt(g.id * 20 + 12, 2) ELSE '' END,
	CASE WHEN h.held THEN 'held' END, CASE WHEN h.held THEN pg_temp.d(h.on_ago) END,
	CASE WHEN h.held THEN 'held' END, CASE WHEN h.held THEN pg_temp.d(h.on_ago + 1) END,
	CASE WHEN h.held THEN 'held' END, CASE WHEN h.held THEN pg_temp.d(h.on_ago + 2) END,
	CASE WHEN g.u3 < 0.2 THEN pg_temp.txt(g.id * 20 + 13, 2) ELSE '' END,
	g.eht_id, pg_temp.ago(greatest(g.done_ago, 0)), 4
FROM g_cases g
CROSS JOIN LATERAL (SELECT g.completed OR g.u1 < 0.5 AS held, greatest(g.inv_ago - 3, COALESCE(g.closed_ago, 0), 0) AS on_ago) h
WHERE g.started;`},

	{"remedy plans and measures", "measures", `
CREATE TEMP TABLE g_plans AS
SELECT row_number() OVER (ORDER BY case_id, version) AS id, p.* FROM (
	SELECT g.id AS case_id, CASE WHEN g.status = 'active' AND g.u3 < 0.2 THEN 2 ELSE 1 END AS version,
		CASE WHEN g.status = 'plan_submitted' THEN 'submitted' ELSE 'approved' END AS status,
		CASE WHEN g.status = 'active' AND g.u3 < 0.2 THEN g.appr_ago / 2 + 2 ELSE g.sub_ago END AS sub_ago,
		CASE WHEN g.status = 'plan_submitted' THEN NULL WHEN g.status = 'active' AND g.u3 < 0.2 THEN g.appr_ago / 2
		     ELSE g.appr_ago END AS dec_ago,
		g.eht_id, g.rektor_id
	FROM g_cases g WHERE g.approved OR g.status = 'plan_submitted'
	UNION ALL -- a revised plan: the first version, superseded by the second
	SELECT g.id, 1, 'superseded', g.sub_ago, g.appr_ago, g.eht_id, g.rektor_id FROM g_cases g WHERE g.status = 'active' AND g.u3 < 0.2
	UNION ALL -- a plan the rektor returned: the case is back in planning
	SELECT g.id, 1, 'returned', g.done_ago - 5, g.done_ago - 7, g.eht_id, g.rektor_id FROM g_cases g WHERE g.status = 'planning' AND g.u2 < 0.3
) p;
-- Measures may only be added to a draft (a trigger guards frozen plans): insert drafts, then decide.
INSERT INTO plans (id, case_id, version, status, summary, created_by, created_at, submitted_by, submitted_at,
	decided_by, decider_name, decider_title, decided_at, decision_comment)
SELECT p.id, p.case_id, p.version, 'draft', pg_temp.txt(p.id * 7 + 500000, 2), p.eht_id, pg_temp.ago(p.sub_ago + 1),
	p.eht_id, pg_temp.ago(p.sub_ago),
	CASE WHEN p.dec_ago IS NOT NULL THEN p.rektor_id END, CASE WHEN p.dec_ago IS NOT NULL THEN u.display_name ELSE '' END,
	CASE WHEN p.dec_ago IS NOT NULL THEN 'Rektor' ELSE '' END, pg_temp.ago(p.dec_ago),
	CASE WHEN p.dec_ago IS NOT NULL THEN pg_temp.txt(p.id * 7 + 600000, 1) ELSE '' END
FROM g_plans p JOIN users u ON u.id = p.rektor_id;
INSERT INTO measures (plan_id, position, description, domains, level, responsible, start_date, expected_effect, follow_up_date)
SELECT p.id, m, pg_temp.txt(p.id * 8 + m + 700000, 1),
	CASE WHEN pg_temp.r(p.id * 8 + m, 42) < 0.3
	     THEN ARRAY[(` + domains + `)[1 + i.d1], (` + domains + `)[1 + (i.d1 + 1 + floor(pg_temp.r(p.id * 8 + m, 43) * 7)::int) % 8]]
	     ELSE ARRAY[(` + domains + `)[1 + i.d1]] END,
	pg_temp.pick(ARRAY['school', 'school', 'home', 'external'], p.id * 8 + m, 44),
	pg_temp.pick(ARRAY['Mentor', 'Kurator', 'Specialpedagog', 'Vårdnadshavare', 'Skolsköterska'], p.id * 8 + m, 45),
	pg_temp.d(COALESCE(p.dec_ago, p.sub_ago)), pg_temp.txt(p.id * 8 + m + 800000, 1), pg_temp.d(COALESCE(p.dec_ago, p.sub_ago)) + 28
FROM g_plans p CROSS JOIN generate_series(1, 5) m
CROSS JOIN LATERAL (SELECT floor(pg_temp.r(p.id * 8 + m, 41) * 8)::int AS d1) i
WHERE m <= 3 + floor(pg_temp.r(p.id, 46) * 3);
UPDATE plans SET status = g.status FROM g_plans g WHERE plans.id = g.id;`},

	{"wheel assessments, follow-ups", "followups", `
CREATE TEMP TABLE g_followups AS
SELECT row_number() OVER (ORDER BY g.id, j) AS id, g.id AS case_id, j, g.appr_ago - 28 * j AS held_ago,
	g.appr_ago - 28 * (j - 1) AS from_ago, g.eht_id, pg_temp.r(g.id * 32 + j, 51) < 0.3 AS with_wheel,
	(SELECT p.id FROM g_plans p WHERE p.case_id = g.id AND p.status IN ('approved', 'superseded') AND p.dec_ago >= g.appr_ago - 28 * j
	 ORDER BY p.dec_ago LIMIT 1) AS plan_id
FROM g_cases g CROSS JOIN generate_series(1, 14) j
WHERE g.approved AND g.appr_ago - 28 * j > COALESCE(g.closed_ago, 0);
CREATE TEMP TABLE g_wheel AS
SELECT row_number() OVER (ORDER BY case_id, at_ago DESC, occasion) AS id, w.* FROM (
	SELECT g.id AS case_id, 'report' AS occasion, g.od::float8 AS at_ago, g.eht_id AS by_id, NULL::bigint AS followup_id
	FROM g_cases g WHERE g.u2 < 0.5
	UNION ALL
	SELECT g.id, 'investigation', CASE WHEN g.completed THEN g.done_ago + 1 ELSE greatest(g.inv_ago - 1, COALESCE(g.closed_ago, 0)) END,
		g.eht2_id, NULL FROM g_cases g WHERE g.completed OR (g.started AND g.u1 < 0.5)
	UNION ALL
	SELECT f.case_id, 'followup', f.held_ago, f.eht_id, f.id FROM g_followups f WHERE f.with_wheel
	UNION ALL
	SELECT g.id, 'closure', g.closed_ago, g.eht_id, NULL FROM g_cases g WHERE g.status = 'closed'
) w;
INSERT INTO wheel_assessments (id, case_id, occasion, assessed_on, child_participation, child_words, child_view_not_followed, created_by, created_at)
SELECT w.id, w.case_id, w.occasion, pg_temp.d(w.at_ago),
	pg_temp.pick(ARRAY['meeting', 'meeting', 'separate_conversation', 'in_writing', 'through_guardian', 'declined'], w.id, 61),
	pg_temp.txt(w.id + 900000, 1), '', w.by_id, pg_temp.ago(w.at_ago)
FROM g_wheel w;
INSERT INTO wheel_ratings (assessment_id, domain, perspective, rating, kind, note)
SELECT w.id, d.k, pp.p, x.rating, CASE WHEN x.rating <= 2 THEN 'concern' WHEN x.rating >= 4 THEN 'strength' END,
	CASE WHEN pg_temp.r(w.id * 64 + d.n * 4 + pp.i, 63) < 0.15 THEN pg_temp.txt(w.id * 64 + d.n * 4 + pp.i, 1) ELSE '' END
FROM g_wheel w CROSS JOIN unnest(` + domains + `) WITH ORDINALITY AS d(k, n)
CROSS JOIN unnest(ARRAY['child', 'guardian1', 'professionals']) WITH ORDINALITY AS pp(p, i)
CROSS JOIN LATERAL (SELECT 1 + floor(pg_temp.r(w.id * 64 + d.n * 4 + pp.i, 62) * 5)::int AS rating) x;
INSERT INTO followups (id, case_id, plan_id, held_on, period_from, period_to, absence_percent, comment, next_date,
	wheel_assessment_id, created_by, created_at)
SELECT f.id, f.case_id, f.plan_id, pg_temp.d(f.held_ago), pg_temp.d(f.from_ago), pg_temp.d(f.held_ago),
	round((3 + pg_temp.r(f.id, 71) * 25)::numeric, 2), pg_temp.txt(f.id + 1000000, 2), pg_temp.d(f.held_ago) + 28, w.id,
	f.eht_id, pg_temp.ago(f.held_ago)
FROM g_followups f LEFT JOIN g_wheel w ON w.followup_id = f.id;
INSERT INTO followup_results (followup_id, measure_id, result, comment)
SELECT f.id, m.id, pg_temp.pick(ARRAY['improved', 'improved', 'unchanged', 'worse'], f.id * 8 + m.position, 72),
	CASE WHEN pg_temp.r(f.id * 8 + m.position, 73) < 0.3 THEN pg_temp.txt(f.id * 8 + m.position, 1) ELSE '' END
FROM g_followups f JOIN measures m ON m.plan_id = f.plan_id;`},

	{"contacts, escalations, notices", "notices", `
INSERT INTO guardian_contacts (case_id, contacted_on, method, guardian, note, created_by, created_at)
SELECT g.id, pg_temp.d(x.ago), pg_temp.pick(ARRAY['phone', 'phone', 'meeting', 'email', 'letter'], g.id * 8 + j, 82),
	'Vårdnadshavare ' || (1 + j % 2), pg_temp.txt(g.id * 8 + j + 1100000, 1), g.eht_id, pg_temp.ago(x.ago)
FROM g_cases g CROSS JOIN generate_series(1, 6) j
CROSS JOIN LATERAL (SELECT COALESCE(g.closed_ago, 0) + floor(pg_temp.r(g.id * 8 + j, 81) * (g.od - COALESCE(g.closed_ago, 0))) AS ago) x
WHERE j <= 1 + floor(g.u1 * 5);
INSERT INTO escalations (case_id, kind, occurred_on, note, consent_child, consent_guardians, created_by, created_at)
SELECT g.id, k.kind, pg_temp.d(x.ago), pg_temp.txt(g.id + 1200000, 1),
	CASE WHEN k.kind = 'sip_established' THEN true END, CASE WHEN k.kind = 'sip_established' THEN true END, g.eht_id, pg_temp.ago(x.ago)
FROM g_cases g
CROSS JOIN LATERAL (SELECT pg_temp.pick(ARRAY['report_of_concern', 'sip_requested', 'sip_established', 'home_municipality_coordination',
	'fine_order_evidence'], g.id, 91) AS kind) k
CROSS JOIN LATERAL (SELECT COALESCE(g.closed_ago, 0) + floor(pg_temp.r(g.id, 92) * greatest(g.inv_ago - COALESCE(g.closed_ago, 0), 1)) AS ago) x
WHERE g.started AND pg_temp.r(g.id, 93) < 0.25;
INSERT INTO notices (case_id, kind, recipient, due_on, sent_at, sent_by, received_at, received_by, created_at)
SELECT g.id, 'investigation_started', 'Benchkommun barn- och utbildningsnämnden', pg_temp.d(g.inv_ago) + 5,
	CASE WHEN g.inv_ago >= 3 THEN pg_temp.ago(g.inv_ago - 1) END, CASE WHEN g.inv_ago >= 3 THEN g.rektor_id END,
	CASE WHEN g.inv_ago >= 6 THEN pg_temp.ago(g.inv_ago - 4) END, CASE WHEN g.inv_ago >= 6 THEN 1 END, pg_temp.ago(g.inv_ago)
FROM g_cases g WHERE g.started
UNION ALL
SELECT g.id, 'home_municipality', 'Hemkommun (kommunkod ' || s.home_municipality_code || ')', pg_temp.d(g.inv_ago) + 5,
	CASE WHEN g.inv_ago >= 4 THEN pg_temp.ago(g.inv_ago - 2) END, CASE WHEN g.inv_ago >= 4 THEN g.rektor_id END,
	NULL, NULL, pg_temp.ago(g.inv_ago)
FROM g_cases g JOIN students s ON s.id = g.student_id WHERE g.started AND s.home_municipality_code <> '1980'
UNION ALL
SELECT g.id, 'closure', 'Benchkommun barn- och utbildningsnämnden', pg_temp.d(g.closed_ago) + 5,
	CASE WHEN g.closed_ago >= 2 THEN pg_temp.ago(g.closed_ago - 1) END, CASE WHEN g.closed_ago >= 2 THEN g.rektor_id END,
	CASE WHEN g.closed_ago >= 5 THEN pg_temp.ago(g.closed_ago - 3) END, CASE WHEN g.closed_ago >= 5 THEN 1 END, pg_temp.ago(g.closed_ago)
FROM g_cases g WHERE g.status = 'closed';`},

	{"timeline events, versions", "case_events", `
WITH labels(kind, label) AS (VALUES {{kind_labels}})
INSERT INTO case_events (case_id, at, actor_id, kind, from_status, to_status, summary)
SELECT g.id, pg_temp.ago(g.od + 0.1), g.eht_id, 'opened', NULL, 'reported', 'Ärendet anmält: ' || c.case_number
FROM g_cases g JOIN cases c ON c.id = g.id
UNION ALL
SELECT g.id, pg_temp.ago(g.inv_ago), g.rektor_id, 'decline_investigation', 'reported', 'not_investigated', pg_temp.txt(g.id + 200000, 2)
FROM g_cases g WHERE g.status = 'not_investigated'
UNION ALL
SELECT g.id, pg_temp.ago(g.inv_ago), g.rektor_id, 'start_investigation', 'reported', 'investigating', pg_temp.txt(g.id + 200000, 2)
FROM g_cases g WHERE g.started
UNION ALL
SELECT g.id, pg_temp.ago(greatest(g.inv_ago - 4 * (j + 1), COALESCE(g.closed_ago, 0), 0)), g.eht_id, 'investigation_saved', NULL, NULL, 'Utredningen uppdaterad'
FROM g_cases g CROSS JOIN generate_series(0, 2) j WHERE g.started
UNION ALL
SELECT w.case_id, pg_temp.ago(w.at_ago), w.by_id, 'wheel_assessment', NULL, NULL, 'Bedömning i hjulet (' || w.occasion || ')' FROM g_wheel w
UNION ALL
SELECT g.id, pg_temp.ago(g.done_ago), g.eht_id, 'complete_investigation', 'investigating', 'planning', 'Utredningen slutförd'
FROM g_cases g WHERE g.completed
UNION ALL
SELECT p.case_id, pg_temp.ago(p.sub_ago), p.eht_id, 'submit_plan', CASE WHEN p.version = 1 THEN 'planning' ELSE 'active' END,
	'plan_submitted', 'Åtgärdsplan lämnad till rektor'
FROM g_plans p
UNION ALL
SELECT p.case_id, pg_temp.ago(p.dec_ago), p.rektor_id, CASE WHEN p.status = 'returned' THEN 'return_plan' ELSE 'approve_plan' END,
	'plan_submitted', CASE WHEN p.status = 'returned' THEN 'planning' ELSE 'active' END, pg_temp.txt(p.id * 7 + 600000, 1)
FROM g_plans p WHERE p.dec_ago IS NOT NULL
UNION ALL
SELECT f.case_id, pg_temp.ago(f.held_ago), f.eht_id, 'followup', NULL, NULL, 'Uppföljning ' || pg_temp.d(f.held_ago) FROM g_followups f
UNION ALL
SELECT e.case_id, e.created_at, e.created_by, 'escalation:' || e.kind, NULL, NULL, l.label FROM escalations e JOIN labels l ON l.kind = e.kind
UNION ALL
SELECT gc.case_id, gc.created_at, gc.created_by, 'contact', NULL, NULL, 'Kontakt med vårdnadshavare (' || gc.method || ')' FROM guardian_contacts gc
UNION ALL
SELECT n.case_id, n.sent_at, n.sent_by, 'notice_sent:' || n.kind, NULL, NULL, l.label || ' skickad'
FROM notices n JOIN labels l ON l.kind = n.kind WHERE n.sent_at IS NOT NULL
UNION ALL
SELECT g.id, pg_temp.ago(g.closed_ago), g.rektor_id, 'close', CASE WHEN g.closed_early THEN 'investigating' ELSE 'active' END, 'closed',
	'Avslutat: ' || c.closure_reason
FROM g_cases g JOIN cases c ON c.id = g.id WHERE g.status = 'closed';
-- The version counts the steps that bump it (see postgres.Store.step); escalations, contacts and
-- sent notices do not.
UPDATE cases c SET version = 1 + e.n
FROM (SELECT case_id, count(*) FILTER (WHERE kind <> 'opened' AND kind <> 'contact' AND kind NOT LIKE 'escalation:%'
	AND kind NOT LIKE 'notice_sent:%') AS n FROM case_events GROUP BY case_id) e
WHERE e.case_id = c.id;`},
}

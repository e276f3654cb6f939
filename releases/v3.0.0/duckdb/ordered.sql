-- The release's tables with the codebook's order of every enumeration (generated; do not edit).
-- Run from the release folder: duckdb -init duckdb/ordered.sql
-- Compare with a value of the type: WHERE time_frame > 'current'::time_frame

CREATE OR REPLACE TYPE kind AS ENUM ('history', 'driver', 'area', 'implication', 'outlook', 'risk');
CREATE OR REPLACE TYPE actor_type AS ENUM ('state', 'historical_state', 'bloc', 'international_organization', 'region', 'non_state_group');
CREATE OR REPLACE TYPE certainty AS ENUM ('asserted', 'likely', 'possible', 'speculative');
CREATE OR REPLACE TYPE time_frame AS ENUM ('historical', 'current', 'future');
CREATE OR REPLACE TYPE attribution AS ENUM ('author', 'attributed');
CREATE OR REPLACE TYPE actor_role AS ENUM ('subject', 'partner', 'counterpart', 'target', 'location', 'holder');
CREATE OR REPLACE TYPE link_relation AS ENUM ('drives', 'enables', 'implies', 'poses_risk_to', 'qualifies', 'contradicts', 'elaborates', 'exemplifies', 'restates');
CREATE OR REPLACE TYPE link_basis AS ENUM ('explicit', 'implicit', 'inferred');
CREATE OR REPLACE TYPE signal_decision AS ENUM ('link', 'implicit_link', 'no_link');
CREATE OR REPLACE TYPE cue_scope AS ENUM ('quote', 'governing');
CREATE OR REPLACE TYPE coded_field AS ENUM ('kind', 'topic_id', 'certainty', 'statement', 'period', 'actors', 'claim', 'link', 'signal');
CREATE OR REPLACE TYPE decision_source AS ENUM ('second_coder', 'critical_reading');

CREATE OR REPLACE VIEW sources AS SELECT * FROM read_parquet('sources.parquet');
CREATE OR REPLACE VIEW sections AS SELECT * FROM read_parquet('sections.parquet');
CREATE OR REPLACE VIEW topics AS SELECT * REPLACE (CAST(kind AS kind) AS kind) FROM read_parquet('topics.parquet');
CREATE OR REPLACE VIEW actors AS SELECT * REPLACE (CAST(actor_type AS actor_type) AS actor_type) FROM read_parquet('actors.parquet');
CREATE OR REPLACE VIEW claims AS SELECT * REPLACE (CAST(kind AS kind) AS kind, CAST(certainty AS certainty) AS certainty, CAST(time_frame AS time_frame) AS time_frame, CAST(attribution AS attribution) AS attribution) FROM read_parquet('claims.parquet');
CREATE OR REPLACE VIEW claim_actors AS SELECT * REPLACE (CAST(role AS actor_role) AS role) FROM read_parquet('claim_actors.parquet');
CREATE OR REPLACE VIEW claim_links AS SELECT * REPLACE (CAST(relation AS link_relation) AS relation, CAST(basis AS link_basis) AS basis) FROM read_parquet('claim_links.parquet');
CREATE OR REPLACE VIEW link_signals AS SELECT * REPLACE (CAST(decision AS signal_decision) AS decision) FROM read_parquet('link_signals.parquet');
CREATE OR REPLACE VIEW certainty_cues AS SELECT * REPLACE (CAST(scope AS cue_scope) AS scope, CAST(effect AS certainty) AS effect) FROM read_parquet('certainty_cues.parquet');
CREATE OR REPLACE VIEW actor_pairs AS SELECT * FROM read_parquet('actor_pairs.parquet');
CREATE OR REPLACE VIEW second_coding AS SELECT * REPLACE (CAST(kind AS kind) AS kind, CAST(certainty AS certainty) AS certainty) FROM read_parquet('second_coding.parquet');
CREATE OR REPLACE VIEW second_segmentation AS SELECT * REPLACE (CAST(kind AS kind) AS kind) FROM read_parquet('second_segmentation.parquet');
CREATE OR REPLACE VIEW second_links AS SELECT * REPLACE (CAST(relation AS link_relation) AS relation, CAST(basis AS link_basis) AS basis) FROM read_parquet('second_links.parquet');
CREATE OR REPLACE VIEW coding_decisions AS SELECT * REPLACE (CAST(field AS coded_field) AS field, CAST(raised_by AS decision_source) AS raised_by) FROM read_parquet('coding_decisions.parquet');

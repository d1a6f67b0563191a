#!/usr/bin/env node
// 39-migrate-resume.mjs — a migration that fails half-way can be retried.
//
// MariaDB commits each DDL statement by itself, so a file that fails at
// its third statement has already made the tables of the first two; a
// retry must resume after them (not stop at "Table already exists"), must
// not run a DML statement twice, and the error must name the file, the
// statement and what to do.  Runs `ocppd --migrate` against a database of
// its own (created and dropped with the admin account) and a directory of
// migrations written here.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkEq, done, env, fail, pass, test } from '../node/lib.mjs';

const DB = `csms_t39_${process.pid}`;
const ADMIN = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
const admin = (query, db = '') => execFileSync('mariadb', ['--no-defaults', '-S', env.dbSocket,
	'-u', ADMIN, '-N', '-B', '-r', ...(db ? [db] : []), '-e', query], { encoding: 'utf8' }).trim();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csms-migrate-'));

admin(`CREATE DATABASE \`${DB}\`; GRANT ALL ON \`${DB}\`.* TO '${env.dbUser}'@'localhost'`);

function migrate() {
	const r = spawnSync(`${env.bin}/ocppd`, ['-c', env.conf, '--migrate'], {
		encoding: 'utf8', timeout: 60000,
		env: { ...process.env, CSMS_SQL_DIR: dir, CSMS_DB_NAME: DB },
	});
	return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

try {
	fs.writeFileSync(`${dir}/001_first.sql`, 'CREATE TABLE one (id INT);\n');
	fs.writeFileSync(`${dir}/002_second.sql`, [
		'-- a table, a row, then a statement that fails until the admin acts',
		'CREATE TABLE two (id INT);',
		'INSERT INTO two VALUES (1);',
		'INSERT INTO two SELECT id FROM needed_by_two;',
		'CREATE TABLE three (id INT);',
		'',
	].join('\n'));

	await test('failed_migration_names_statement_and_fix', async () => {
		const r = migrate();
		if (r.status === 0) throw new Error('migration passed; it should have failed');
		if (!/002_second\.sql: statement 3: .*needed_by_two/.test(r.out)) throw new Error(`error: ${r.out}`);
		if (!/run ocppd --migrate again/.test(r.out)) throw new Error(`no fix named: ${r.out}`);
		if (r.out.trim().split('\n').length !== 1) throw new Error(`not one line: ${r.out}`);
	});
	checkEq('first_file_recorded', admin('SELECT version FROM schema_version ORDER BY version', DB), '1');

	// The admin's fix; then the same command again.
	admin('CREATE TABLE needed_by_two (id INT); INSERT INTO needed_by_two VALUES (2)', DB);
	await test('retry_resumes_after_done_statements', async () => {
		const r = migrate();
		if (r.status !== 0) throw new Error(`retry failed: ${r.out}`);
	});
	checkEq('dml_ran_once', admin('SELECT GROUP_CONCAT(id ORDER BY id) FROM two', DB), '1,2');
	checkEq('rest_applied', admin("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'three'", DB), '1');
	checkEq('versions_recorded', admin('SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_version', DB), '1,2');
	checkEq('no_progress_left', admin('SELECT COUNT(*) FROM schema_progress', DB), '0');
	await test('third_run_is_a_no_op', async () => {
		const r = migrate();
		if (r.status !== 0) throw new Error(r.out);
	});

	// The shipped migrations on an empty database, twice.
	await test('shipped_migrations_apply', async () => {
		admin(`DROP DATABASE \`${DB}\`; CREATE DATABASE \`${DB}\``);
		const r = spawnSync(`${env.bin}/ocppd`, ['-c', env.conf, '--migrate'], {
			encoding: 'utf8', timeout: 120000, env: { ...process.env, CSMS_DB_NAME: DB },
		});
		if (r.status !== 0) throw new Error(`${r.stdout}${r.stderr}`);
		const n = fs.readdirSync(path.join(new URL('../..', import.meta.url).pathname, 'sql'))
			.filter((f) => /^\d+_.*\.sql$/.test(f)).length;
		const got = Number(admin('SELECT COUNT(*) FROM schema_version', DB));
		if (got !== n) throw new Error(`${got} of ${n} recorded`);
	});
} catch (e) {
	fail('migrate_resume', e.message);
} finally {
	admin(`DROP DATABASE IF EXISTS \`${DB}\``);
	fs.rmSync(dir, { recursive: true, force: true });
}
pass('cleanup');
done();

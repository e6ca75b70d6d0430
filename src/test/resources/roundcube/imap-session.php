<?php
// Roundcube's IMAP library (rcube_imap_generic, as its webmail drives it) against a Tern server:
// what the webmail does when a user opens, reads, sorts, files and writes mail. Prints one
// "name: value" line per step for RoundcubeImapTest to check; exits 1 when it cannot log in.
// Environment: ROUNDCUBE_LIB (the library's directory), PORT (IMAPS), USER, PASS.

require __DIR__ . '/prelude.php';

$imap = login(getenv('USER'), getenv('PASS'));
out('folders', $imap->listMailboxes('', '*'));
out('special', $imap->listMailboxes('', '*', null, ['SPECIAL-USE']));
$status = $imap->status('INBOX', ['MESSAGES', 'UNSEEN', 'UIDNEXT']);
out('status', [$status['MESSAGES'], $status['UNSEEN'], $status['UIDNEXT']]);

$imap->select('INBOX');
out('exists', $imap->data['EXISTS']);
out('sort_subject', $imap->sort('INBOX', 'SUBJECT', 'ALL', true, 'UTF-8')->get());
out('sort_from_desc', array_reverse($imap->sort('INBOX', 'FROM', 'ALL', true)->get()));
$threads = $imap->thread('INBOX', 'REFERENCES', '', true);
out('threads', $threads->count());
out('unseen', $imap->search('INBOX', 'UNSEEN', true)->get());
out('search', $imap->search('INBOX', 'HEADER SUBJECT "report"', true)->get());

foreach ($imap->fetchHeaders('INBOX', '1:*', true, false, ['REFERENCES']) as $h) {
    out('header ' . $h->uid, [rcube_mime::decode_header($h->subject, 'UTF-8'), $h->ctype, $h->size > 0 ? 'sized' : 'empty']);
}
$structure = $imap->getStructure('INBOX', 3, true) ?: [];
out('structure', [$structure[2] ?? '?', $structure[1][0] ?? '?', $structure[1][1] ?? '?', $structure[1][8][1][1] ?? '?']);
out('text', trim($imap->handlePartBody('INBOX', 3, true, '1', 'quoted-printable', false)));
out('attachment', $imap->handlePartBody('INBOX', 3, true, '2', 'base64', false));

out('flag', $imap->flag('INBOX', '1', 'SEEN') && $imap->flag('INBOX', '2', 'FLAGGED'));
out('unflag', $imap->unflag('INBOX', '1', 'SEEN'));
out('copy', $imap->copy('3', 'INBOX', 'Archive'));
out('move', $imap->move('2', 'INBOX', 'Trash'));
$draft = "From: " . getenv('USER') . "\r\nSubject: =?UTF-8?Q?Entw=C3=BCrfe?=\r\n\r\ndraft body\r\n";
out('append', $imap->append('Drafts', $draft, ['SEEN', 'DRAFT']));

$folder = rcube_charset::convert('Projekte/Zürich', 'UTF-8', 'UTF7-IMAP');
out('create', $imap->createFolder($folder));
out('created', in_array($folder, $imap->listMailboxes('', '*')));
out('rename', $imap->renameFolder($folder, 'Projekte/Bern'));
out('subscribe', $imap->subscribe('Projekte/Bern'));
out('subscribed', in_array('Projekte/Bern', $imap->listSubscribed('', '*')));
out('delete', $imap->deleteFolder('Projekte/Bern'));

$imap->select('INBOX');
out('expunge', $imap->flag('INBOX', '4', 'DELETED') && $imap->expunge('INBOX', '4'));
out('left', $imap->countMessages('INBOX'));
out('error', $imap->error);
$imap->closeConnection();

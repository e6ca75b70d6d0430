<?php
// Roundcube's IMAP library as its ACL plugin and folder list drive it: the owner shares a folder,
// reads its access control list and what rights can be given; the other user finds it through
// NAMESPACE and LIST, opens it, reads their rights and the folder's METADATA entries. One
// "name: value" line per step.
// Environment: ROUNDCUBE_LIB, PORT (IMAPS), USER and PASS (the owner), USER2 and PASS2.

require __DIR__ . '/prelude.php';

$owner = login(getenv('USER'), getenv('PASS'));
$other = getenv('USER2');
out('acl capability', $owner->getCapability('ACL'));
out('create', $owner->createFolder('Team'));
out('setacl', $owner->setACL('Team', $other, ['l', 'r', 's', 'w', 'i']));
$acl = $owner->getACL('Team');
out('getacl', array_map(function ($user) use ($acl) { return $user . '=' . implode('', $acl[$user]); },
    array_keys($acl)));
$rights = $owner->listRights('Team', $other);
out('listrights granted', $rights['granted']);
out('listrights optional', $rights['optional']);
out('owner myrights', $owner->myRights('Team'));
out('metadata capability', $owner->getCapability('METADATA'));
out('setmetadata', $owner->setMetadata('Team', ['/shared/comment' => 'The team\'s folder', '/private/comment' => 'mine']));
$meta = $owner->getMetadata('Team', ['/shared/comment', '/private/comment'], ['MAXSIZE' => 1000]);
out('getmetadata', [$meta['Team']['/shared/comment'], $meta['Team']['/private/comment']]);

$imap = login($other, getenv('PASS2'));
$ns = $imap->getNamespace();
out('other namespace', [$ns['other'][0][0], $ns['other'][0][1]]);
out('shared namespace', var_export($ns['shared'], true));
out('folders', $imap->listMailboxes('', '*'));
$shared = 'Shared/' . getenv('USER') . '/Team';
out('myrights', $imap->myRights($shared));
$message = "Subject: from the webmail\r\n\r\nhello\r\n";
out('append', $imap->append($shared, $message, ['SEEN']) !== false);
out('select', $imap->select($shared));
out('exists', $imap->data['EXISTS']);
out('own acl', var_export($imap->getACL($shared), true));
$meta = $imap->getMetadata($shared, ['/shared/comment', '/private/comment']);
out('other getmetadata', json_encode($meta));
out('error', $imap->error);
$owner->closeConnection();
$imap->closeConnection();

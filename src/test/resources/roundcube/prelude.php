<?php
// What the session scripts share: Roundcube's IMAP library loaded from ROUNDCUBE_LIB (without the
// webmail's application object, of which only the error report is needed), a login over IMAPS
// (PORT) that exits 1 when it fails, and one "name: value" line per step.

$lib = getenv('ROUNDCUBE_LIB');
spl_autoload_register(function ($class) use ($lib) {
    $file = "$lib/$class.php";
    if (file_exists($file)) {
        require_once $file;
    }
});
require_once "$lib/bootstrap.php";

class rcube
{
    static function raise_error($error, $log = false, $terminate = false)
    {
        fwrite(STDERR, 'error: ' . print_r($error, true) . "\n");
    }

    static function get_instance()
    {
        return null;
    }
}

function out($name, $value)
{
    echo $name, ': ', is_array($value) ? implode(',', $value) : var_export($value, true), "\n";
}

function login($user, $pass)
{
    $imap = new rcube_imap_generic();
    $ok = $imap->connect('127.0.0.1', $user, $pass, [
        'port' => (int) getenv('PORT'), 'ssl_mode' => 'ssl', 'auth_type' => 'CHECK', 'timeout' => 20,
        'socket_options' => ['ssl' => ['verify_peer' => false, 'verify_peer_name' => false]],
    ]);
    if (!$ok) {
        echo 'connect failed: ', $imap->error, "\n";
        exit(1);
    }
    return $imap;
}

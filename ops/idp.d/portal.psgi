# LemonLDAP::NG's portal (the OpenID provider) as one PSGI application for starman: no web
# server, no FastCGI. The configuration is read from $LLNG_DEFAULTCONFFILE (ops/idp).
use strict;
use Plack::Builder;
use FindBin;
use lib "$FindBin::Bin/lib";
use Lemonldap::NG::Portal::Main;
my $portal = Lemonldap::NG::Portal::Main->run( {} );
builder {
    enable 'Static', path => qr{^/static/},     root => '/usr/share/lemonldap-ng/portal/htdocs/';
    enable 'Static', path => qr{^/javascript/}, root => '/usr/share/';
    $portal;
};

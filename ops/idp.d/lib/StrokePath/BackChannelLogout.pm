# OpenID Connect Back-Channel Logout 1.0 for LemonLDAP::NG 2.16 (Debian 12), which does not
# send it (its source has "TODO #1194" there; later releases do): loaded by ops/idp with
# "customPlugins": "StrokePath::BackChannelLogout".
#  * adds a `sid` claim to every ID token (hook oidcGenerateIDToken);
#  * at sign-out (beforeLogout), for every relying party the session used whose logout type
#    is "back", POSTs logout_token=<JWT signed with the provider's key, typ logout+jwt>.
package StrokePath::BackChannelLogout;

use strict;
use Mouse;
use JSON qw(to_json);
use LWP::UserAgent;
use Digest::SHA qw(sha256_hex);
use Lemonldap::NG::Portal::Main::Constants qw(PE_OK);

extends 'Lemonldap::NG::Portal::Main::Plugin';

use constant beforeLogout => 'sendBackChannelLogout';
use constant hook         => { oidcGenerateIDToken => 'addSid' };

has ua => (
    is      => 'rw',
    lazy    => 1,
    default => sub { LWP::UserAgent->new( timeout => 5, agent => 'LLNG-bcl' ) }
);

sub init { 1 }

sub oidc {
    $_[0]->p->loadedModules->{'Lemonldap::NG::Portal::Issuer::OpenIDConnect'};
}

# sid = f(OP, user, authentication time): identical in the ID token and the logout token
sub _sid {
    my ( $self, $sub, $auth_time ) = @_;
    return substr( sha256_hex( join ':', $self->conf->{portal}, $sub, $auth_time // '' ), 0, 32 );
}

sub addSid {
    my ( $self, $req, $payload, $rp ) = @_;
    $payload->{sid} = $self->_sid( $payload->{sub}, $payload->{auth_time} );
    return PE_OK;
}

sub sendBackChannelLogout {
    my ( $self, $req ) = @_;
    my $oidc = $self->oidc or return PE_OK;
    my $data = $req->userData || {};
    my %seen;
    for my $rp ( grep { /\w/ && !$seen{$_}++ } split /,/, ( $data->{_oidcConnectedRP} || '' ) ) {
        my $o = $self->conf->{oidcRPMetaDataOptions}->{$rp} or next;
        next unless ( $o->{oidcRPMetaDataOptionsLogoutType} || '' ) eq 'back';
        my $url = $o->{oidcRPMetaDataOptionsLogoutUrl} or next;
        my $sub = $oidc->getUserIDForRP( $req, $rp, $data );
        my $payload = {
            iss    => $oidc->iss,
            aud    => $o->{oidcRPMetaDataOptionsClientID},
            iat    => time,
            exp    => time + 120,
            jti    => $oidc->generateNonce,
            sub    => $sub,
            sid    => $self->_sid( $sub, $data->{_lastAuthnUTime} ),
            events => { 'http://schemas.openid.net/event/backchannel-logout' => {} },
        };
        my $alg = $o->{oidcRPMetaDataOptionsIDTokenSignAlg} || 'RS256';
        my $jwt = $oidc->createJWT( $payload, $alg, $rp, 'logout+jwt' );
        my $res = eval { $self->ua->post( $url, { logout_token => $jwt } ) };
        if ( $res && $res->is_success ) {
            $self->logger->notice("Back-channel logout sent to $rp ($url): " . $res->code);
        }
        else {
            $self->logger->error( "Back-channel logout to $rp ($url) failed: "
                  . ( $res ? $res->status_line : $@ ) );
        }
    }
    return PE_OK;
}

1;

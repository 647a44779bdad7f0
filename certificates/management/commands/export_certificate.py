from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import services
from certificates.codes import InvalidCode, code_normalize
from certificates.models import Certificate


class Command(BaseCommand):
    help = (
        "Write a certificate's stored PDF to a file (rendered again from its frozen snapshot if "
        "the stored file is missing). The code may be typed in any accepted form."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="certificate code, e.g. 7K3M-Q9TD-2BXN-H4RC-V")
        parser.add_argument("--output", "-o", required=True, help="path of the PDF to write")

    def handle(self, *args, code, output, **options):
        try:
            canonical = code_normalize(code)
        except InvalidCode as error:
            raise CommandError(f"{code!r} is not a valid certificate code ({error}).") from None
        certificate = Certificate.objects.filter(code=canonical).first()
        if certificate is None:
            raise CommandError(f"No certificate has the code {code!r}.")
        services.certificate_download(certificate=certificate, actor=None, channel="command")
        target = Path(output)
        with certificate.pdf.open("rb") as source:
            target.write_bytes(source.read())
        self.stdout.write(f"{certificate.display_code} → {target}")
